import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { tempFiles, type TempFiles } from './csvFiles.test-helpers.ts'
import { openRunKit, type RunKit } from './run.test-helpers.ts'

// A run stored from a file (bulkfile's reader and classifier), then sent: invalid and
// duplicated rows are stored skipped and never sent, a bad file stores nothing, the run
// export's row results come back in file order; shutdown leaves a run resumable.

let kit: RunKit | undefined
let files: TempFiles | undefined
afterEach(async () => {
  await kit?.close()
  files?.cleanup()
  kit = undefined
  files = undefined
})

const SETTINGS = { concurrency: 4, rate: null }

describe('bulk run from a file', () => {
  it('stores every row with its category, sends only the valid ones once, and gives the rows back joined to their attempts', async () => {
    kit = await openRunKit()
    files = tempFiles()
    const path = files.write('cards.csv', 'Payment ID;Mobile Phone\r\n810001;0803 123 4567\r\n810011;12\r\n810001;08031234567\r\n\r\n810403;08031234567\r\n')
    const created = await kit.runner.createFromFile({ path, environment: 'custom', settings: SETTINGS })
    if (!created.ok) throw new Error(created.error.message)
    const run = created.value
    expect(run.fileFingerprint).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'))
    expect(run.header).toEqual(['Payment ID', 'Mobile Phone'])
    expect(kit.received).toEqual([])
    const handle = await kit.runner.start(run.id)
    if (!handle.ok) throw new Error(handle.error.message)
    await handle.value.settled
    expect(kit.received.map((r) => r.paymentId)).toEqual(expect.arrayContaining(['810001', '810403']))
    expect(kit.received).toHaveLength(2)
    const results = [...kit.runner.rowResults(run.id)]
    expect(results.map((r) => [r.line, r.category, r.state])).toEqual([
      [2, 'ready', 'enrolled'],
      [3, 'invalid', 'skipped'],
      [4, 'duplicate-in-file', 'skipped'],
      [6, 'ready', 'rejected'],
    ])
    expect(results[0]?.values).toEqual(['810001', '0803 123 4567'])
    expect(results[3]?.attempt).toMatchObject({ outcome: 'rejected', httpStatus: 400, errors: [{ code: '10403' }] })
    // Sent with the normalised phone and a generated reference (the file has none).
    const attempt = kit.history.get(results[0]?.attempt?.id ?? 0)
    expect(attempt?.phone).toBe('2348031234567')
    expect(attempt?.transactionRef).toMatch(/^JB-\d+-2-Enrol$/)
  })

  it('skips rows history already knows as enrolled unless the operator includes them', async () => {
    kit = await openRunKit()
    files = tempFiles()
    const first = files.write('a.csv', 'payment id,phone\n820001,08031234567\n')
    const a = await kit.runner.createFromFile({ path: first, environment: 'custom', settings: SETTINGS })
    if (!a.ok) throw new Error(a.error.message)
    await (await kit.runner.start(a.value.id).then((r) => (r.ok ? r.value : Promise.reject(new Error('not started'))))).settled
    const again = files.write('b.csv', 'payment id,phone\n820001,08031234567\n820011,08031234567\n')
    const b = await kit.runner.createFromFile({ path: again, environment: 'custom', settings: SETTINGS })
    if (!b.ok) throw new Error(b.error.message)
    expect(kit.runs.counts(b.value.id)).toMatchObject({ total: 2, pending: 1, skipped: 1 })
  })

  it('refuses a bad file, or a file changed since its preview, and stores nothing', async () => {
    kit = await openRunKit()
    files = tempFiles()
    const noColumn = files.write('x.csv', 'payment id,name\n830001,Ada\n')
    expect(await kit.runner.createFromFile({ path: noColumn, environment: 'custom', settings: SETTINGS })).toMatchObject({ ok: false, error: { code: 'bad-file' } })
    const changed = files.write('y.csv', 'payment id,phone\n830001,08031234567\n')
    expect(await kit.runner.createFromFile({ path: changed, environment: 'custom', settings: SETTINGS, expectedSha256: '0'.repeat(64) })).toMatchObject({
      ok: false,
      error: { code: 'bad-file' },
    })
    expect(kit.runner.list(10)).toEqual([])
    expect(kit.received).toEqual([])
  })

  it('stopAll lets the requests out finish, starts nothing new and leaves the run interrupted, offered to resume', async () => {
    kit = await openRunKit({ server: { answerDelayMs: 40 } })
    files = tempFiles()
    const lines = Array.from({ length: 40 }, (_, i) => `${840001 + i * 10},08031234567`)
    const path = files.write('z.csv', `payment id,phone\n${lines.join('\n')}\n`)
    const created = await kit.runner.createFromFile({ path, environment: 'custom', settings: { concurrency: 2, rate: null } })
    if (!created.ok) throw new Error(created.error.message)
    const started = await kit.runner.start(created.value.id)
    if (!started.ok) throw new Error(started.error.message)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await kit.runner.stopAll()
    const sent = kit.received.length
    expect(sent).toBeGreaterThan(0)
    expect(sent).toBeLessThan(40)
    expect(kit.runs.get(created.value.id)?.state).toBe('interrupted')
    expect(kit.runner.unfinished().map((r) => r.id)).toEqual([created.value.id])
    const summary = kit.runner.summary(created.value.id)
    expect(summary.ok && summary.value.counts).toMatchObject({ pending: 40 - sent, inFlight: 0, outcomes: { enrolled: sent, unknown: 0 } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(kit.received).toHaveLength(sent)
  })
})
