import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SecretStore } from '../credentials/secretStore.ts'
import { exportHistory } from '../export/exportHistory.ts'
import { newAttempt } from '../history/testFixtures.ts'
import { createDiagnosticLog } from '../log/diagnosticLog.ts'
import { createAppCore, HISTORY_FILE, SETTINGS_FILE } from './appCore.ts'
import { createFileEnrolledStore } from './trainingState.ts'
import { testCoreOptions } from './testCore.ts'

// Data at rest on Linux/macOS: a fresh data folder 0700 and every file the app writes in it
// 0600, whatever the umask (set to the usual 022 here, which would give 0755/0644).
const mode = (path: string) => statSync(path).mode & 0o777
const memoryStore: SecretStore = { get: async () => undefined, set: async () => {}, delete: async () => false }

let root: string
let previousUmask: number | undefined
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'otp-at-rest-'))
  try {
    previousUmask = process.umask(0o022)
  } catch {
    previousUmask = undefined // worker threads cannot change it; the default umask is 022 anyway
  }
})
afterAll(() => {
  if (previousUmask !== undefined) process.umask(previousUmask)
  rmSync(root, { recursive: true, force: true })
})

function openCore(dataDir: string) {
  return createAppCore(testCoreOptions(dataDir, { channel: 'cli', secretStore: memoryStore }))
}

describe.runIf(process.platform !== 'win32')('data at rest', () => {
  it('a fresh data folder is 0700 and the database, WAL, SHM, settings, logs and training state are 0600', async () => {
    const dataDir = join(root, 'fresh', 'OTP Enrollment Console')
    const log = createDiagnosticLog({ dir: join(dataDir, 'logs'), maxSize: '1K' })
    const core = openCore(dataDir)
    try {
      core.history.begin(newAttempt()) // the first write creates the WAL
      core.settings.setActive('sandbox')
      createFileEnrolledStore(join(dataDir, 'training-enrolled.json')).add('266274')
      for (let i = 0; i < 40; i++) log.info('filler line to force a rotation', { i })
      await log.flush()
      await new Promise((resolve) => setTimeout(resolve, 200)) // let the size rotation finish
      log.info('after rotation')
      await log.flush()

      expect(mode(dataDir)).toBe(0o700)
      expect(mode(join(dataDir, 'logs'))).toBe(0o700)
      const files = [HISTORY_FILE, `${HISTORY_FILE}-wal`, `${HISTORY_FILE}-shm`, SETTINGS_FILE, 'training-enrolled.json'].map((f) => join(dataDir, f))
      const logs = readdirSync(join(dataDir, 'logs')).map((f) => join(dataDir, 'logs', f))
      expect(logs.length).toBeGreaterThanOrEqual(3) // current, rotated, rotation list
      for (const file of [...files, ...logs]) expect([file, mode(file).toString(8)]).toEqual([file, '600'])
    } finally {
      core.close()
      await log.close()
    }
  })

  it('a data folder and files left wider by an older version are tightened on start', () => {
    const dataDir = join(root, 'old')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    writeFileSync(join(dataDir, HISTORY_FILE), '', { mode: 0o644 })
    chmodSync(join(dataDir, HISTORY_FILE), 0o644)
    const core = openCore(dataDir)
    core.close()
    expect(mode(dataDir)).toBe(0o700)
    expect(mode(join(dataDir, HISTORY_FILE))).toBe(0o600)
  })

  it.each(['csv', 'jsonl', 'bundle'] as const)('an export (%s) is written 0600', async (format) => {
    const dataDir = join(root, `export-${format}`)
    const core = openCore(dataDir)
    try {
      core.history.begin(newAttempt())
      const outPath = join(root, `export.${format}`)
      const bundle = { logDir: join(dataDir, 'logs'), about: {} }
      await exportHistory({ records: core.history.iterate({}), format, outPath, fullPhone: false, ...(format === 'bundle' ? { bundle } : {}) })
      expect(mode(outPath)).toBe(0o600)
    } finally {
      core.close()
    }
  })
})
