import { ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

export function enrollHandlers(ctx: MainContext): Pick<HandlerMap, 'enroll' | 'precheckEnroll'> {
  const { core } = ctx
  return {
    // The environment is always main's own setting, never taken from the renderer.
    enroll: (request) => core.enrollService.enroll({ ...request, environment: core.settings.read().activeEnvironment }),
    precheckEnroll: async ({ paymentId }) => ok(core.history.precheck(paymentId, core.settings.read().activeEnvironment)),
  }
}
