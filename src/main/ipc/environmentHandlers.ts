import { ENVIRONMENT_LABELS } from '../../shared/domain/environments.ts'
import { fail, ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

export function environmentHandlers(ctx: MainContext): Pick<HandlerMap, 'getEnvironments' | 'setActiveEnvironment' | 'updateEnvironment'> {
  const { core } = ctx
  return {
    getEnvironments: async () => ok(await core.environmentsState()),
    setActiveEnvironment: async ({ id }) => {
      const previous = core.settings.read().activeEnvironment
      const auditRefusal = core.audit.unavailable() // a change that cannot be audited is not made
      if (previous !== id && auditRefusal) return fail('keychain-unavailable', auditRefusal)
      if (previous !== id) {
        core.settings.setActive(id)
        core.audit.record({
          action: 'environment.switch',
          summary: `Switched from ${ENVIRONMENT_LABELS[previous]} to ${ENVIRONMENT_LABELS[id]}`,
          details: { from: previous, to: id },
        })
        ctx.logger.info('environment.switch', { from: previous, to: id })
      }
      return ok(await core.environmentsState())
    },
    updateEnvironment: async ({ id, baseUrl, passportUrl }) => {
      const auditRefusal = core.audit.unavailable() // a change that cannot be audited is not made
      if (auditRefusal) return fail('keychain-unavailable', auditRefusal)
      const before = core.settings.read().endpoints[id]
      const after = core.settings.setEndpoints(id, { baseUrl, passportUrl }).endpoints[id]
      if (before.baseUrl !== after.baseUrl || before.passportUrl !== after.passportUrl) {
        core.audit.record({
          action: 'settings.update',
          summary: `Changed ${ENVIRONMENT_LABELS[id]} URLs`,
          details: { environment: id, before, after },
        })
      }
      return ok(await core.environmentsState())
    },
  }
}
