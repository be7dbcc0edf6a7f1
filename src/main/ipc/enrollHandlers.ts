import { ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'
import { teamSideOfPrecheck } from './teamReads.ts'

export function enrollHandlers(ctx: MainContext): Pick<HandlerMap, 'enroll' | 'precheckEnroll'> {
  const { core } = ctx
  return {
    // The environment is always main's own setting, never taken from the renderer.
    enroll: (request) => core.enrollService.enroll({ ...request, environment: core.settings.read().activeEnvironment }),
    // This computer's attempts, and other desks' from the team database (when one is set up).
    precheckEnroll: async ({ paymentId }) => {
      const environment = core.settings.read().activeEnvironment
      return ok({ ...core.history.precheck(paymentId, environment), ...(await teamSideOfPrecheck(ctx, paymentId)) })
    },
  }
}
