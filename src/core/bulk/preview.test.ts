import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BulkPreview, BulkRow } from '../../shared/domain/bulk.ts'
import { validateEnrollInput } from '../../shared/domain/enrollInput.ts'
import { completion, newAttempt, openTempHistory, type TempDb } from '../history/testFixtures.ts'
import type { HistoryStore } from '../history/types.ts'
import { phoneOf, tempFiles, type TempFiles } from './csvFiles.test-helpers.ts'
import { previewBulkFile, type PreviewDeps } from './preview.ts'
import { validateBulkRow } from './previewRows.ts'

let files: TempFiles
let temp: TempDb
let store: HistoryStore
let deps: PreviewDeps
beforeEach(() => {
  files = tempFiles()
  ;({ temp, store } = openTempHistory())
  deps = { paymentOutcomes: (ids) => store.paymentOutcomes(ids) }
})
afterEach(() => {
  temp.cleanup()
  files.cleanup()
})

async function preview(text: string, options: Parameters<typeof previewBulkFile>[2] = {}): Promise<BulkPreview> {
  const result = await previewBulkFile(files.write('cards.csv', text), deps, options)
  if (!result.ok) throw new Error(`preview refused: ${result.error.message}`)
  return result.value
}

describe('the bulk preview', () => {
  it('puts each row in its category and counts the requests that will be sent', async () => {
    const enrolled = store.begin(newAttempt({ paymentId: '300' }))
    store.complete(enrolled, completion('enrolled'))
    const unknown = store.begin(newAttempt({ paymentId: '400' }))
    store.complete(store.begin(newAttempt({ paymentId: '500' })), completion('rejected'))
    const text = [
      'Payment Id,Phone,Transaction Ref',
      '100,0803 123 4567,JB-1-Enrol', // ready
      'abc,0803 123 4567,', // invalid payment id
      '200,12345,', // invalid phone
      '100,08031234568,', // duplicate of line 2
      '300,08031234569,', // enrolled in history
      '400,+234 803 123 4570,', // unknown in history
      '500,2348031234571,', // rejected in history: ready
      '',
    ].join('\r\n')
    const shown = await preview(text, { fullPhone: true })
    expect(shown.counts).toEqual({ ready: 2, invalid: 2, 'duplicate-in-file': 1, 'already-enrolled': 1, 'unknown-outcome': 1 })
    expect(shown.rows).toBe(7)
    expect(shown.requestsToSend).toBe(2)
    expect(shown.firstRows).toEqual([
      { line: 2, category: 'ready', paymentId: '100', phone: '2348031234567', transactionRef: 'JB-1-Enrol' },
      { line: 3, category: 'invalid', paymentId: 'abc', phone: '0803 123 4567', transactionRef: '', errors: { paymentId: 'The payment id is digits only.' } },
      { line: 4, category: 'invalid', paymentId: '200', phone: '12345', transactionRef: '', errors: { phone: expect.any(String) } },
      { line: 5, category: 'duplicate-in-file', paymentId: '100', phone: '2348031234568', transactionRef: '', duplicateOfLine: 2 },
      { line: 6, category: 'already-enrolled', paymentId: '300', phone: '2348031234569', transactionRef: '', attemptId: enrolled },
      { line: 7, category: 'unknown-outcome', paymentId: '400', phone: '2348031234570', transactionRef: '', attemptId: unknown },
      { line: 8, category: 'ready', paymentId: '500', phone: '2348031234571', transactionRef: '' },
    ])
  })

  it('counts the flagged rows as requests only when the operator includes them', async () => {
    store.complete(store.begin(newAttempt({ paymentId: '300' })), completion('enrolled'))
    store.begin(newAttempt({ paymentId: '400' }))
    const text = 'payment id,phone\n100,08031234567\n300,08031234568\n400,08031234569\n100,08031234567\n'
    expect((await preview(text)).requestsToSend).toBe(1)
    const included = await preview(text, { includeFlagged: true })
    expect(included.requestsToSend).toBe(3)
    expect(included.includeFlagged).toBe(true)
  })

  it('masks the phones it shows unless asked for them in full', async () => {
    const shown = await preview('payment id,phone\n1,0803 123 4567\n2,0803 12\n')
    expect(shown.firstRows.map((row) => row.phone)).toEqual(['234803****567', '*******'])
  })

  it('shows the first rows only, and counts them all', async () => {
    const text = ['payment id,phone', ...Array.from({ length: 50 }, (_, i) => `${i + 1},${phoneOf(i)}`)].join('\n')
    const shown = await preview(text, { rowLimit: 5 })
    expect(shown.firstRows.map((row) => row.line)).toEqual([2, 3, 4, 5, 6])
    expect(shown.rows).toBe(50)
    expect(shown.counts.ready).toBe(50)
  })

  it('marks formula-like payment ids and phones invalid (never sent), the international +234 form excepted', async () => {
    const shown = await preview('payment id,phone\n=1+2,08031234567\n1,=HYPERLINK("x")\n2,-08031234567\n+3,08031234567\n"\t4",08031234567\n@5,08031234567\n6,@08031234567\n7,+2348031234567\n')
    expect(shown.firstRows.map((row) => [row.line, row.category, Object.keys(row.errors ?? {})])).toEqual([
      [2, 'invalid', ['paymentId']],
      [3, 'invalid', ['phone']],
      [4, 'invalid', ['phone']],
      [5, 'invalid', ['paymentId']],
      [6, 'ready', []], // a tab before digits: the form trims it, as it does a space
      [7, 'invalid', ['paymentId']],
      [8, 'invalid', ['phone']],
      [9, 'ready', []],
    ])
    expect(shown.firstRows[2]?.errors?.phone).toMatch(/may not start with "-"/)
    expect(shown.requestsToSend).toBe(2)
  })

  it('flags a duplicated row once, pointing at the first', async () => {
    const shown = await preview('payment id,phone\n7,08031234567\n7,08031234567\n7,08031234567\n')
    expect(shown.firstRows.map((row) => [row.category, row.duplicateOfLine])).toEqual([
      ['ready', undefined],
      ['duplicate-in-file', 2],
      ['duplicate-in-file', 2],
    ])
  })

  it('does not count an invalid row as the first of a payment id', async () => {
    const shown = await preview('payment id,phone\n7,0803\n7,08031234567\n')
    expect(shown.firstRows.map((row) => row.category)).toEqual(['invalid', 'ready'])
  })

  it('checks a row with no reference as one with a generated reference, and a given one with the form’s rule', async () => {
    const shown = await preview(`payment id,phone,ref\n1,08031234567,\n2,08031234568,${'x'.repeat(65)}\n3,08031234569,café\n`)
    expect(shown.firstRows.map((row) => row.category)).toEqual(['ready', 'invalid', 'invalid'])
    expect(shown.firstRows[1]?.errors).toEqual({ transactionRef: 'The transaction reference is at most 64 characters.' })
  })

  it('reports the file, its hash and the mapping in force', async () => {
    const shown = await preview('Card,Line\n1,08031234567\n', { mapping: { paymentId: 'Card', phone: 'Line' } })
    expect(shown.fileName).toBe('cards.csv')
    expect(shown.fileSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(shown.mapping).toEqual({ paymentId: 'Card', phone: 'Line' })
    expect(shown.header.unresolved).toEqual(['paymentId', 'phone'])
  })

  it('answers a refused file with a bad-file failure saying why', async () => {
    const result = await previewBulkFile(files.write('bad.csv', 'Card,GSM\n1,08031234567\n'), deps)
    expect(result).toEqual({ ok: false, error: { code: 'bad-file', message: expect.stringContaining('"Card", "GSM"') } })
    const tooMany = await previewBulkFile(files.write('many.csv', 'payment id,phone\n1,08031234567\n2,08031234568\n'), { ...deps, limits: { maxRows: 1 } })
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'bad-file', message: expect.stringContaining('more than 1 rows') } })
  })
})

describe('a row checked with the Enroll form’s rule', () => {
  const row = (paymentId: string, phone: string, transactionRef: string): BulkRow => ({ line: 2, values: [], paymentId, phone, transactionRef })
  it.each([
    ['266274', '0803 123 4567', 'JB-1-Enrol'],
    ['', '', ''],
    ['12a', '+44 20 7946 0958', 'x'.repeat(65)],
    ['12345678901234567890', '0803 123 45', 'é'],
    ['-1', '=1+2', '@ref'],
    ['1', '0803 123 4567', '\tref'],
  ])('%s / %s / %s: the same errors as the form', (paymentId, phone, transactionRef) => {
    const form = validateEnrollInput({ paymentId, phone, transactionRef: transactionRef || 'JB-0-1-Enrol', signatureMethod: 'SHA-256' })
    const bulk = validateBulkRow(row(paymentId, phone, transactionRef))
    if (form.ok) expect(bulk).toEqual({ msisdn: form.value.mobilePhoneNumber })
    else expect(bulk).toEqual({ errors: form.errors })
  })

  it('refuses a phone starting with "-", which the form accepts', () => {
    expect(validateEnrollInput({ paymentId: '1', phone: '-0803 123 4567', transactionRef: 'R', signatureMethod: 'SHA-256' }).ok).toBe(true)
    expect(validateBulkRow(row('1', '-0803 123 4567', 'R'))).toEqual({ errors: { phone: expect.stringMatching(/may not start with "-"/) } })
  })
})
