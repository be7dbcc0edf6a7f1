import { ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

export function appHandlers(ctx: MainContext): Pick<HandlerMap, 'getAppInfo' | 'openLogFolder'> {
  return {
    getAppInfo: async () => ok(ctx.appInfo),
    openLogFolder: async () => {
      await ctx.host.openFolder(ctx.logDir)
      return ok(null)
    },
  }
}
