import { appHandlers } from './appHandlers.ts'
import { auditHandlers } from './auditHandlers.ts'
import { bulkHandlers } from './bulkHandlers.ts'
import type { HandlerMap, MainContext } from './context.ts'
import { credentialHandlers } from './credentialHandlers.ts'
import { destinationHandlers } from './destinationHandlers.ts'
import { enrollHandlers } from './enrollHandlers.ts'
import { environmentHandlers } from './environmentHandlers.ts'
import { exportHandlers } from './exportHandlers.ts'
import { historyHandlers } from './historyHandlers.ts'
import { refuseEmptyExport } from './refuseEmptyExport.ts'
import { retentionHandlers } from './retentionHandlers.ts'
import { teamHandlers } from './teamHandlers.ts'

/** Every contract method's handler, one file per domain. */
export function createHandlers(ctx: MainContext): HandlerMap {
  const handlers: HandlerMap = {
    ...appHandlers(ctx),
    ...environmentHandlers(ctx),
    ...credentialHandlers(ctx),
    ...destinationHandlers(ctx),
    ...enrollHandlers(ctx),
    ...historyHandlers(ctx),
    ...exportHandlers(ctx),
    ...auditHandlers(ctx),
    ...retentionHandlers(ctx),
    ...teamHandlers(ctx),
    ...bulkHandlers(ctx),
  }
  return { ...handlers, exportHistory: refuseEmptyExport(ctx.core.history, handlers.exportHistory) }
}
