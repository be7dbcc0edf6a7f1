import type { AttemptContext } from './attemptRows.ts'
import type { StatementCache } from './statementCache.ts'

// attempt_contexts rows never change once written, so both directions are cached. An id is
// cached only once read back as committed: one inserted by a transaction that then rolls
// back must not be reused.

export interface ContextRegistry {
  /** The id of this context, inserting it if new. Call inside the write transaction. */
  idFor(context: AttemptContext): number
  get(id: number): AttemptContext
}

export function createContextRegistry(statements: StatementCache): ContextRegistry {
  const ids = new Map<string, number>()
  const contexts = new Map<number, AttemptContext>()
  const values = (c: AttemptContext) => [c.baseUrl, c.requestUrl, c.clientId, c.appVersion, c.signatureMethod]

  return {
    idFor(context) {
      const key = JSON.stringify(values(context))
      const cached = ids.get(key)
      if (cached !== undefined) return cached
      const found = statements
        .get('SELECT id FROM attempt_contexts WHERE base_url = ? AND request_url = ? AND client_id = ? AND app_version = ? AND signature_method = ?')
        .get(...values(context)) as { id: number } | undefined
      if (found) {
        ids.set(key, found.id)
        return found.id
      }
      const inserted = statements
        .get('INSERT INTO attempt_contexts (base_url, request_url, client_id, app_version, signature_method) VALUES (?, ?, ?, ?, ?)')
        .run(...values(context))
      return Number(inserted.lastInsertRowid)
    },
    get(id) {
      const cached = contexts.get(id)
      if (cached) return cached
      const row = statements
        .get('SELECT base_url, request_url, client_id, app_version, signature_method FROM attempt_contexts WHERE id = ?')
        .get(id) as { base_url: string; request_url: string; client_id: string; app_version: string; signature_method: AttemptContext['signatureMethod'] } | undefined
      if (!row) throw new Error(`History is damaged: attempt context #${id} is missing.`)
      const context = { baseUrl: row.base_url, requestUrl: row.request_url, clientId: row.client_id, appVersion: row.app_version, signatureMethod: row.signature_method }
      contexts.set(id, context)
      return context
    },
  }
}
