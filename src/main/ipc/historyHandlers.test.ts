import { describe, expect, it } from 'vitest'
import { InvalidCursorError } from '../../core/history/historySql.ts'
import type { HistoryStore } from '../../core/history/types.ts'
import type { MainContext } from './context.ts'
import { historyHandlers } from './historyHandlers.ts'

// Only the history store matters to these handlers; the rest of the context is left out.
function handlersWhosePageThrows(error: Error) {
  const history = { page: () => { throw error } } as unknown as HistoryStore
  return historyHandlers({ core: { history } } as unknown as MainContext)
}

describe('history:query failures', () => {
  it('answers an invalid cursor with invalid-input and a way forward', async () => {
    const handlers = handlersWhosePageThrows(new InvalidCursorError('unknown format'))
    expect(await handlers.queryHistory({ filter: {}, cursor: 'x', limit: 10 })).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'That page link is no longer valid; start from the first page.' },
    })
  })

  it('lets any other failure through, even one whose message mentions a cursor', async () => {
    const handlers = handlersWhosePageThrows(new Error('database cursor closed'))
    await expect(handlers.queryHistory({ filter: {}, limit: 10 })).rejects.toThrow('database cursor closed')
  })
})
