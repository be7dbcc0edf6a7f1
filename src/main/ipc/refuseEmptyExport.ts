import type { HistoryStore } from '../../core/history/types.ts'
import { fail } from '../../shared/domain/result.ts'
import type { Handler } from './context.ts'

/**
 * An export that matches nothing is refused before the save dialog opens: an empty file is
 * never what the operator wanted, and the renderer's count may be stale.
 */
export function refuseEmptyExport(history: Pick<HistoryStore, 'count'>, exportHistory: Handler<'exportHistory'>): Handler<'exportHistory'> {
  return async (request) => {
    // The team scope counts on the team database (exportHandlers, before its save dialog).
    if (request.scope !== 'team' && history.count(request.filter) === 0) return fail('invalid-input', 'No attempts match these filters, so there is nothing to export. Change the filters and try again.')
    return exportHistory(request)
  }
}
