import { ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

export function retentionHandlers(ctx: MainContext): Pick<HandlerMap, 'getRetention' | 'setRetention'> {
  const { core } = ctx
  return {
    getRetention: async () => ok(core.retention.state()),
    setRetention: async ({ months }) => {
      const before = core.settings.read().retentionMonths
      if (before !== months) {
        core.settings.setRetentionMonths(months)
        core.audit.record({
          action: 'settings.update',
          summary: `Changed history retention from ${before} to ${months} months`,
          details: { retentionMonths: { before, after: months } },
        })
      }
      // Applied at once: what is now older than the retention goes (audited when anything does).
      const purged = core.retention.purgeExpired('settings')
      return ok({ retention: core.retention.state(), purged })
    },
  }
}
