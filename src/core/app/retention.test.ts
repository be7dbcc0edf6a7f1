import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_RETENTION_MONTHS, retentionCutoff } from '../../shared/domain/retention.ts'
import { newAttempt } from '../history/testFixtures.ts'
import { SETTINGS_FILE, type AppCore } from './appCore.ts'
import { openTestCore } from './testCore.ts'

const NOW = Date.UTC(2026, 11, 1, 10) // 1 December 2026

describe('retentionCutoff', () => {
  it.each([
    [Date.UTC(2026, 11, 1, 10), 13, Date.UTC(2025, 10, 1, 10)],
    [Date.UTC(2026, 2, 31, 8), 1, Date.UTC(2026, 1, 28, 8)],
    [Date.UTC(2024, 2, 31), 1, Date.UTC(2024, 1, 29)],
    [Date.UTC(2026, 0, 15), 120, Date.UTC(2016, 0, 15)],
  ])('%s minus %s months is %s', (now, months, expected) => {
    expect(retentionCutoff(now, months)).toBe(expected)
  })
})

describe('retention policy', () => {
  let dataDir: string
  let core: AppCore
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'otp-retention-'))
    core = await openTestCore(dataDir, { now: () => NOW })
  })
  afterEach(() => {
    core.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const purges = () => core.audit.list({ limit: 100 }).filter((e) => e.action === 'history.purge')

  it('defaults to 13 months, kept in settings.json', () => {
    expect(core.retention.state()).toEqual({ months: DEFAULT_RETENTION_MONTHS, cutoff: Date.UTC(2025, 10, 1, 10) })
    core.settings.setRetentionMonths(6)
    expect(JSON.parse(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8'))).toMatchObject({ retentionMonths: 6 })
    expect(() => core.settings.setRetentionMonths(0)).toThrow(RangeError)
    expect(() => core.settings.setRetentionMonths(1.5)).toThrow(RangeError)
  })

  it('purges at start-up what is older than the setting, with an audit entry; a daily run with nothing to do adds none', async () => {
    const cutoff = core.retention.state().cutoff
    const old = [core.history.begin(newAttempt({ startedAt: cutoff - 1 })), core.history.begin(newAttempt({ startedAt: cutoff - 400 * 86_400_000 }))]
    const kept = [core.history.begin(newAttempt({ startedAt: cutoff })), core.history.begin(newAttempt({ startedAt: NOW - 1000 }))]

    const stop = core.retention.schedule(60_000)
    stop()
    for (const id of old) expect(core.history.get(id)).toBeUndefined()
    for (const id of kept) expect(core.history.get(id)?.id).toBe(id)
    expect(purges()).toEqual([
      expect.objectContaining({ summary: expect.stringContaining('Purged 2 attempts'), details: expect.objectContaining({ attempts: 2, trigger: 'startup', retentionMonths: 13 }) }),
    ])

    expect(core.retention.purgeExpired('daily')).toBe(0)
    expect(purges()).toHaveLength(1)
    expect(await core.audit.verify()).toMatchObject({ ok: true })
  })

  it('a purge asked for with a date is audited even when nothing was old enough', () => {
    expect(core.retention.purgeBefore(Date.UTC(2020, 0, 1), 'cli')).toBe(0)
    expect(purges()).toEqual([expect.objectContaining({ details: expect.objectContaining({ attempts: 0, trigger: 'cli', before: '2020-01-01T00:00:00.000Z' }) })])
  })
})
