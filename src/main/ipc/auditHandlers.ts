import { ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

export function auditHandlers(ctx: MainContext): Pick<HandlerMap, 'listAudit' | 'verifyAudit'> {
  return {
    listAudit: async (request) => ok(ctx.core.audit.list(request)),
    verifyAudit: async () => ok(ctx.core.audit.verify()),
  }
}
