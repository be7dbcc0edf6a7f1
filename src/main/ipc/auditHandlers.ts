import { exportAudit } from '../../core/audit/auditExport.ts'
import { KeychainUnavailableError } from '../../core/credentials/secretStore.ts'
import { fail, ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

export function auditHandlers(ctx: MainContext): Pick<HandlerMap, 'listAudit' | 'verifyAudit' | 'exportAudit'> {
  return {
    listAudit: async (request) => ok(ctx.core.audit.list(request)),
    verifyAudit: async () => {
      try {
        return ok(await ctx.core.audit.verify())
      } catch (error) {
        if (error instanceof KeychainUnavailableError) return fail('keychain-unavailable', `The audit trail cannot be verified without the OS keychain (its key and head are kept there). ${error.message}`)
        throw error
      }
    },
    exportAudit: async ({ from, to }) => {
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
      const outPath = await ctx.host.chooseSavePath({ defaultName: `otp-audit-${stamp}.jsonl`, filterName: 'Audit trail (JSON Lines)', extensions: ['jsonl'] })
      if (!outPath) return ok({ cancelled: true as const })
      try {
        const result = await exportAudit(ctx.core.audit, { outPath, from, to, now: Date.now })
        ctx.logger.info('audit.export.done', { entries: result.entries, verified: result.verification.ok })
        return ok(result)
      } catch (error) {
        if (error instanceof KeychainUnavailableError) return fail('keychain-unavailable', `The audit trail cannot be exported without the OS keychain (it is verified first). ${error.message}`)
        const code = (error as NodeJS.ErrnoException | undefined)?.code
        if (code && /^E[A-Z]+$/.test(code)) return fail('internal', `Could not write ${outPath} (${code}). Choose another folder, then export again. Nothing was exported.`)
        throw error
      }
    },
  }
}
