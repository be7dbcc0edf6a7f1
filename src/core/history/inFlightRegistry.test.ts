import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHistoryStore } from './historyStore.ts'
import { BATCH_SAVE_EVERY_MS, createInFlightRegistry, isProcessAlive } from './inFlightRegistry.ts'
import { completion, newAttempt, openTempDb, type TempDb } from './testFixtures.ts'

// Two processes on one data folder (simulated by two stores on one database with registries
// under different pids): each sees the other's attempt in flight while that process lives.

let t: TempDb
let dir: string
const alive = new Set<number>([101, 202])
const isAlive = (pid: number) => alive.has(pid)

beforeEach(() => {
  t = openTempDb()
  dir = join(mkdtempSync(join(tmpdir(), 'otp-in-flight-')), 'in-flight')
  alive.clear()
  alive.add(101).add(202)
})
afterEach(() => t.cleanup())

const stores = () => ({
  cli: createHistoryStore(t.db, { inFlight: createInFlightRegistry(dir, { pid: 101, isAlive }) }),
  console: createHistoryStore(t.db, { inFlight: createInFlightRegistry(dir, { pid: 202, isAlive }) }),
})
const shown = (store: ReturnType<typeof createHistoryStore>, id: number) => store.page({ filter: {}, limit: 10 }).rows.find((row) => row.id === id)

describe('attempts in flight in another process', () => {
  it('shows another live process’s unfinished attempt as in flight, and as done once it completes', () => {
    const { cli, console } = stores()
    const id = cli.begin(newAttempt())
    expect(shown(console, id)).toMatchObject({ outcome: 'unknown', inFlight: true })
    expect(console.chain('266274').find((row) => row.id === id)).toMatchObject({ inFlight: true })
    cli.complete(id, completion('enrolled'))
    expect(shown(console, id)?.inFlight).toBeUndefined()
    expect(readdirSync(dir)).toEqual([]) // nothing left in flight: no file
  })

  it('shows the attempt as unknown once its process is gone, and forgets that process', () => {
    const { cli, console } = stores()
    const id = cli.begin(newAttempt())
    alive.delete(101) // killed mid-request
    expect(shown(console, id)).toMatchObject({ outcome: 'unknown' })
    expect(shown(console, id)?.inFlight).toBeUndefined()
    expect(readdirSync(dir)).toEqual([])
  })

  it('ignores files that are not a process’s list, and keeps its own list private', () => {
    const { cli, console } = stores()
    const id = cli.begin(newAttempt())
    writeFileSync(join(dir, 'notes.txt'), String(id))
    writeFileSync(join(dir, '303.json'), '{not json')
    alive.add(303)
    expect(shown(console, id)?.inFlight).toBe(true)
    if (process.platform !== 'win32') expect(statSync(join(dir, '101.json')).mode & 0o777).toBe(0o600)
  })

  it('tells a live process from a gone one', () => {
    expect(isProcessAlive(process.pid)).toBe(true)
    expect(isProcessAlive(2 ** 22 + 12345)).toBe(false) // above Linux's pid_max
  })
})

describe('a batch of begins and completions', () => {
  it('writes the list once at the end, with what is in flight then', () => {
    const { cli, console } = stores()
    let during: string[] = []
    const ids = cli.inFlightBatch(() => {
      const begun = [cli.begin(newAttempt({ paymentId: '1001' })), cli.begin(newAttempt({ paymentId: '1002' }))]
      cli.complete(begun[0] as number, completion('enrolled'))
      during = existsSync(dir) ? readdirSync(dir) : []
      return begun
    })
    expect(during).toEqual([]) // nothing written inside the batch
    expect(shown(console, ids[1] as number)?.inFlight).toBe(true)
    expect(shown(console, ids[0] as number)?.inFlight).toBeUndefined()
    cli.complete(ids[1] as number, completion('enrolled'))
    expect(readdirSync(dir)).toEqual([])
  })

  it('writes a batch ending soon after the last write once BATCH_SAVE_EVERY_MS have passed, with what is in flight then', () => {
    vi.useFakeTimers()
    try {
      let clock = 0
      const cli = createHistoryStore(t.db, { inFlight: createInFlightRegistry(dir, { pid: 101, isAlive, now: () => clock }) })
      const console = stores().console
      const first = cli.inFlightBatch(() => cli.begin(newAttempt({ paymentId: '2001' })))
      expect(shown(console, first)?.inFlight).toBe(true) // the first batch is written at its end
      clock = 10
      const second = cli.inFlightBatch(() => {
        cli.complete(first, completion('enrolled'))
        return cli.begin(newAttempt({ paymentId: '2002' }))
      })
      expect(shown(console, second)?.inFlight).toBeUndefined() // not written yet: shown unknown for now
      clock = BATCH_SAVE_EVERY_MS
      vi.advanceTimersByTime(BATCH_SAVE_EVERY_MS - 10)
      expect(shown(console, second)?.inFlight).toBe(true)
      cli.complete(second, completion('enrolled')) // outside a batch: written at once
      expect(readdirSync(dir)).toEqual([])
      vi.advanceTimersByTime(BATCH_SAVE_EVERY_MS)
      expect(readdirSync(dir)).toEqual([]) // no late timer writes an old list back
    } finally {
      vi.useRealTimers()
    }
  })
})
