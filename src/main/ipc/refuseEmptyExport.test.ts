import { describe, expect, it } from 'vitest'
import type { HistoryFilter } from '../../shared/domain/historyFilter.ts'
import { ok } from '../../shared/domain/result.ts'
import { refuseEmptyExport } from './refuseEmptyExport.ts'

const request = { filter: { paymentId: '1' } as HistoryFilter, format: 'csv' as const, fullPhone: false }

describe('refuseEmptyExport', () => {
  it('refuses a filter that matches nothing without reaching the export (no save dialog, no file)', async () => {
    let called = 0
    const handler = refuseEmptyExport({ count: () => 0 }, async () => (called++, ok({ cancelled: true as const })))
    const r = await handler(request)
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(called).toBe(0)
  })

  it('passes a filter that matches something on to the export', async () => {
    const seen: HistoryFilter[] = []
    const handler = refuseEmptyExport({ count: (f) => (seen.push(f), 3) }, async () => ok({ cancelled: true as const }))
    expect(await handler(request)).toEqual({ ok: true, value: { cancelled: true } })
    expect(seen).toEqual([request.filter])
  })
})
