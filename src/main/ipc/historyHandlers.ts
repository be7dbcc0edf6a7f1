import { attemptDetail } from '../../core/enroll/attemptDetail.ts'
import { InvalidCursorError } from '../../core/history/historySql.ts'
import { fail, ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'
import { teamRead } from './teamReads.ts'

export function historyHandlers(ctx: MainContext): Pick<HandlerMap, 'queryHistory' | 'countHistory' | 'getAttempt' | 'getStatusStrip' | 'getHistoryTrends'> {
  const { history } = ctx.core
  return {
    queryHistory: async ({ scope, ...request }) => {
      if (scope === 'team') return teamRead(ctx, 'page', (team) => team.page(request))
      try {
        return ok(history.page(request))
      } catch (error) {
        // A cursor from an older query shape is the only expected failure here.
        if (error instanceof InvalidCursorError) return fail('invalid-input', 'That page link is no longer valid; start from the first page.')
        throw error
      }
    },
    countHistory: async ({ filter, scope }) => (scope === 'team' ? teamRead(ctx, 'count', async (team) => ({ total: await team.count(filter) })) : ok({ total: history.count(filter) })),
    getAttempt: async ({ id, scope }) => {
      if (scope === 'team') {
        const detail = await teamRead(ctx, 'detail', (team) => team.detail(id))
        if (!detail.ok) return detail
        return detail.value ? ok(detail.value) : fail('not-found', `Attempt #${id} is not in the team database.`)
      }
      const detail = attemptDetail(history, id)
      return detail ? ok(detail) : fail('not-found', `Attempt #${id} is not in the history.`)
    },
    getStatusStrip: async () => ok(history.statusStrip(Date.now())),
    getHistoryTrends: async ({ filter, utcOffsetMinutes }) => ok(history.trends({ filter, utcOffsetMinutes, nowMs: Date.now() })),
  }
}
