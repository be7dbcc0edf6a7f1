import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync, StatementSync } from 'node:sqlite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { SecretStore } from '../core/credentials/secretStore.ts'
import { ERROR_CODES } from '../shared/domain/result.ts'
import { ipcContract, type IpcMethod } from '../shared/ipc/contract.ts'
import { APP_ENTRY_URL } from './appScheme.ts'
import { createSenderCheck } from './ipc/dispatch.ts'
import { startMain, type MainRuntime } from './startMain.ts'
import { defOf, maxLengthOf, type ZodDef } from '../shared/ipc/zodDef.test-helpers.ts'

// IPC fuzz: at least 1,000 generated malformed payloads per channel through startMain's real
// dispatch, from the app's own page. Each must be answered with a typed error, and none may
// reach the network, the keychain, the database or the OS (counted on the dependencies).

const RUNS_PER_CHANNEL = 1000
const SECRET = 'fuzz-secret-never-logged-7f3a9c'

const counts = { network: 0, keychain: 0, database: 0, host: 0, emitted: 0 }

// The database spy: every statement prepared or run by any connection in this process.
const spied: [object, string][] = [
  [DatabaseSync.prototype, 'prepare'],
  [DatabaseSync.prototype, 'exec'],
  [StatementSync.prototype, 'run'],
  [StatementSync.prototype, 'get'],
  [StatementSync.prototype, 'all'],
  [StatementSync.prototype, 'iterate'],
]
const originals = spied.map(([target, name]) => (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown)

// The keychain: whatever the store is asked (its interface may grow), it is counted.
const secretStore = new Proxy({} as SecretStore, {
  get: (_target, name) => (name === 'then' ? undefined : async () => void (counts.keychain += 1)),
})

let main: MainRuntime
let dataDir: string
let baseline: typeof counts

beforeAll(async () => {
  spied.forEach(([target, name], i) => {
    const original = originals[i]!
    ;(target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      counts.database += 1
      return original.apply(this, args)
    }
  })
  dataDir = mkdtempSync(join(tmpdir(), 'otp-ipc-fuzz-'))
  main = await startMain({
    dataDir,
    appVersion: '9.9.9',
    fetch: async () => {
      counts.network += 1
      throw new Error('no network in the fuzz test')
    },
    secretStore,
    host: {
      chooseSavePath: async () => void (counts.host += 1),
      chooseOpenPath: async () => void (counts.host += 1),
      showInFolder: () => void (counts.host += 1),
      openFolder: async () => void (counts.host += 1),
      confirm: async () => ((counts.host += 1), false),
    } as MainRuntime['context']['host'],
    emit: () => void (counts.emitted += 1),
    isTrustedSender: createSenderCheck({ appEntryUrl: APP_ENTRY_URL }),
  })
  baseline = { ...counts }
})

afterAll(async () => {
  spied.forEach(([target, name], i) => ((target as Record<string, unknown>)[name] = originals[i]))
  await main?.close()
})

// A valid request per channel: the fuzzer breaks one part of it at a time.
const VALID: Record<IpcMethod, unknown> = {
  getAppInfo: undefined,
  openLogFolder: undefined,
  getEnvironments: undefined,
  setActiveEnvironment: { id: 'sandbox' },
  updateEnvironment: { id: 'custom', baseUrl: 'https://qa.example.com', passportUrl: 'https://qa.example.com' },
  setCredentials: { environment: 'custom', clientId: 'IKIAFUZZ', clientSecret: SECRET },
  deleteCredentials: { environment: 'custom' },
  confirmDestination: { environment: 'custom' },
  enroll: { paymentId: '266274', phone: '08031234567', transactionRef: 'JB-1-Enrol', signatureMethod: 'SHA-256' },
  precheckEnroll: { paymentId: '266274' },
  queryHistory: { filter: { outcome: ['enrolled'], environment: ['training'], paymentId: '266274', search: 'x' }, limit: 10, scope: 'team' },
  countHistory: { filter: { outcome: ['rejected'], code: 'E26', operator: 'amaka' }, scope: 'local' },
  getAttempt: { id: 1, scope: 'team' },
  getStatusStrip: undefined,
  getHistoryTrends: { filter: { outcome: ['enrolled'] }, utcOffsetMinutes: 60 },
  exportHistory: { filter: { outcome: ['failed'] }, format: 'csv', fullPhone: false, scope: 'team' },
  cancelExport: undefined,
  showInFolder: { path: '/tmp/export.csv' },
  getRetention: undefined,
  setRetention: { months: 13 },
  listAudit: { limit: 10 },
  verifyAudit: undefined,
  exportAudit: { from: 0, to: 1 },
  getTeamSettings: undefined,
  setTeamSettings: { settings: { host: 'db.desk.example', port: 5432, database: 'otp_team', user: 'console', tlsMode: 'verify-full', caFile: '/etc/ssl/team-ca.pem' }, password: SECRET },
  clearTeamSettings: undefined,
  chooseTeamCaFile: undefined,
  setTeamPassword: { password: SECRET },
  deleteTeamPassword: undefined,
  testTeamConnection: { settings: { host: '127.0.0.1', port: 5432, database: 'otp_team', user: 'console', tlsMode: 'disable', caFile: null } },
  getTeamStatus: undefined,
  listTeamConsoles: undefined,
  verifyTeamAudit: { consoleId: 'c0ffee00-0000-4000-8000-000000000001' },
  pickBulkFile: undefined,
  previewBulkFile: { fileId: 'f1', mapping: { paymentId: 'Payment', phone: 'Phone', transactionRef: 'Ref' } },
  startBulkRun: { fileId: 'f1', environment: 'training', concurrency: 4, rate: 5, productionConfirmation: 'production 3' },
  pauseBulkRun: { runId: 1 },
  resumeBulkRun: { runId: 1, productionConfirmation: 'production 3' },
  cancelBulkRun: { runId: 1 },
  listBulkRuns: undefined,
  getBulkRun: { runId: 1 },
  retryBulkRun: { runId: 1, productionConfirmation: 'production 2' },
  exportBulkRun: { runId: 1, fullPhone: false },
}

const maxLength = (def: ZodDef): number => maxLengthOf(def) ?? 4096

/** Values of every other JSON-ish kind, and a few things structured clone can carry. */
const foreign = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 53, -1),
  fc.string({ maxLength: 20 }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant(new Date(0)),
  fc.bigInt(),
)

/** A value that breaks `schema`, given a valid (or absent) `sample` of it. */
function malformed(schema: z.ZodType, sample: unknown): fc.Arbitrary<unknown> {
  const def = defOf(schema)
  switch (def.type) {
    case 'object': {
      const keys = Object.keys(def.shape ?? {})
      const base = (sample ?? {}) as Record<string, unknown>
      const oneField = fc.constantFrom(...keys).chain((key) => malformed(def.shape![key]!, base[key]).map((value) => ({ ...base, [key]: value })))
      const missing = fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key)))
      return fc.oneof(oneField, oneField, missing, foreign)
    }
    case 'optional':
    case 'default':
    case 'nullable':
      return malformed(def.innerType!, sample)
    case 'pipe':
      return malformed(def.in!, sample)
    case 'array': {
      const limit = maxLength(def)
      const item = sample instanceof Array && sample.length > 0 ? sample[0] : undefined
      return fc.oneof(
        fc.integer({ min: limit + 1, max: 40_000 }).map((length) => Array(length).fill(item ?? 'x')),
        malformed(def.element!, item).map((bad) => [...((sample as unknown[]) ?? []), bad]),
        foreign,
      )
    }
    case 'string': {
      const limit = maxLength(def)
      return fc.oneof(
        fc.integer({ min: limit + 1, max: limit + 70_000 }).map((length) => String(sample ?? 'x').padEnd(length, '9')),
        fc.string({ maxLength: 30, unit: 'grapheme' }),
        foreign,
      )
    }
    case 'enum':
      return fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...Object.values(def.entries ?? {})).map((v) => `${v} `), foreign)
    case 'number':
      return fc.oneof(fc.double(), fc.integer({ min: -(2 ** 40), max: 0 }), fc.constantFrom(2 ** 60, 1.5, Number.NaN), foreign)
    default:
      return foreign
  }
}

/** Generated payloads that break the channel's schema (the schema itself filters out the rare valid one). */
function malformedPayloads(method: IpcMethod): fc.Arbitrary<unknown> {
  const { request } = ipcContract[method]
  return malformed(request, VALID[method]).filter((payload) => !request.safeParse(payload).success)
}

const answered = new Map<IpcMethod, number>()

describe('IPC fuzz through the real dispatch', () => {
  it('the valid samples pass their schemas (the fuzzer breaks real requests)', () => {
    for (const method of Object.keys(ipcContract) as IpcMethod[]) expect(ipcContract[method].request.safeParse(VALID[method]).success, method).toBe(true)
  })

  it.each(Object.keys(ipcContract) as IpcMethod[])(`%s: ${RUNS_PER_CHANNEL} malformed payloads each get a typed error and touch nothing`, async (method) => {
    const { channel } = ipcContract[method]
    let runs = 0
    await fc.assert(
      fc.asyncProperty(malformedPayloads(method), async (payload) => {
        runs += 1
        const result = (await main.dispatch(channel, payload, `${APP_ENTRY_URL}#/enroll`)) as { ok: boolean; error?: { code: string; message: unknown } }
        expect(result.ok).toBe(false)
        expect(result.error?.code).toBe('invalid-input')
        expect(ERROR_CODES).toContain(result.error?.code)
        expect(typeof result.error?.message).toBe('string')
      }),
      { numRuns: RUNS_PER_CHANNEL },
    )
    answered.set(method, runs)
    expect(runs).toBeGreaterThanOrEqual(RUNS_PER_CHANNEL)
    expect(counts).toEqual(baseline)
  })

  it('the counters do see a well-formed call (positive control)', async () => {
    const before = { ...counts }
    expect(await main.dispatch(ipcContract.countHistory.channel, { filter: {} }, APP_ENTRY_URL)).toMatchObject({ ok: true })
    expect(await main.dispatch(ipcContract.getEnvironments.channel, undefined, APP_ENTRY_URL)).toMatchObject({ ok: true })
    expect(counts.database).toBeGreaterThan(before.database)
    expect(counts.keychain).toBeGreaterThan(before.keychain)
  })

  it('every refused call is in the diagnostic log with channel and reason, and no secret from a payload is', async () => {
    const total = [...answered.values()].reduce((sum, runs) => sum + runs, 0)
    expect(answered.size).toBe(Object.keys(ipcContract).length)
    await main.close()
    const lines = readFileSync(join(dataDir, 'logs', 'diagnostic.log'), 'utf8').split('\n').filter(Boolean)
    const refused = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'ipc.refused')
    expect(refused).toHaveLength(total)
    expect(refused.every((line) => typeof line.channel === 'string' && String(line.reason).startsWith('invalid payload') && line.sender === APP_ENTRY_URL)).toBe(true)
    expect(lines.join('\n')).not.toContain(SECRET)
    main = undefined as unknown as MainRuntime
  })
})
