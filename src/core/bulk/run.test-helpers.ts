import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { TOKEN_PATH, TRAINING_CREDENTIALS } from '../../shared/domain/environments.ts'
import type { BulkRowInput } from '../../shared/domain/bulkRun.ts'
import { createAuditTrail } from '../audit/auditTrail.ts'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import type { SecretStore } from '../credentials/secretStore.ts'
import type { EnrollCaller } from '../enroll/enrollService.ts'
import { openTempHistory, type TempDb } from '../history/testFixtures.ts'
import { createHistoryStore } from '../history/historyStore.ts'
import type { HistoryStore } from '../history/types.ts'
import { silentLogger } from '../log/logger.ts'
import { createEnrollClient } from '../protocol/enrollClient.ts'
import { createNonce } from '../protocol/nonce.ts'
import { createTokenCache } from '../protocol/tokenCache.ts'
import { openDatabase } from '../storage/openDatabase.ts'
import { startTrainingServer, type TrainingServer, type TrainingServerOptions } from '../simulator/trainingServer.ts'
import { createBulkRunner, type BulkRunner } from './runRunner.ts'
import { createRunStore, type RunStore } from './runStore.ts'

// Shared by the bulk run tests (not shipped code): a runner on a temporary database, sending
// to a real training server on loopback that records each enrollment's payment id and time.

export interface Received {
  paymentId: string
  at: number
}

export interface RunKit {
  temp: TempDb
  history: HistoryStore
  runs: RunStore
  runner: BulkRunner
  server: TrainingServer
  audit: ReturnType<typeof createAuditTrail>
  keychain: SecretStore
  /** Enrollment requests as the server received them. */
  received: Received[]
  tokenRequests: () => number
  close(keepFiles?: boolean): Promise<void>
}

function reopenHistory(previous: TempDb): { temp: TempDb; store: HistoryStore } {
  const db = openDatabase(previous.path)
  const temp: TempDb = { ...previous, db, cleanup: () => { if (db.isOpen) db.close(); rmSync(previous.dir, { recursive: true, force: true }) } }
  return { temp, store: createHistoryStore(db) }
}

export interface RunKitOptions {
  server?: TrainingServerOptions
  client?: (real: EnrollCaller) => EnrollCaller
  /** The process id the run store believes is its own (a dead one: the next kit sees a crash). */
  pid?: number
  /** Opens the database of a kit closed with `keepFiles` (the next process on the same data). */
  reopen?: RunKit
}

export async function openRunKit(options: RunKitOptions = {}): Promise<RunKit> {
  const { temp, store: history } = options.reopen ? reopenHistory(options.reopen.temp) : openTempHistory()
  const keychain = options.reopen?.keychain ?? createMemorySecretStore()
  const audit = createAuditTrail(temp.db, { now: Date.now, operator: 'ada', machine: 'test', appVersion: '0.0.0', keychain, databasePath: temp.path })
  await audit.open()
  const received: Received[] = []
  let tokens = 0
  const server = await startTrainingServer({
    // The next process talks to the same server address (a run keeps its base URL).
    ...(options.reopen ? { port: options.reopen.server.port } : {}),
    ...options.server,
    onRequest: (request) => {
      if (request.path === TOKEN_PATH) tokens += 1
    },
    onEnrollmentRequest: ({ paymentId }) => received.push({ paymentId, at: performance.now() }),
  })
  const tokenCache = createTokenCache({ fetch: globalThis.fetch, now: Date.now })
  const real = createEnrollClient({ fetch: globalThis.fetch, now: Date.now, nonce: () => createNonce((n) => randomBytes(n)), tokens: tokenCache, timeoutMs: 5000 })
  const runs = createRunStore(temp.db, { now: Date.now, ...(options.pid === undefined ? {} : { pid: options.pid }) })
  const runner = createBulkRunner({
    db: temp.db,
    history,
    runs,
    audit,
    client: options.client ? options.client(real) : real,
    logger: silentLogger,
    now: Date.now,
    operator: 'ada',
    appVersion: '0.0.0',
    channel: 'console',
    resolveTarget: async () => ({ ok: true, target: { baseUrl: server.url, passportUrl: server.url, credentials: { ...TRAINING_CREDENTIALS } } }),
  })
  return {
    temp,
    history,
    runs,
    runner,
    server,
    audit,
    keychain,
    received,
    tokenRequests: () => tokens,
    async close(keepFiles = false) {
      await server.close()
      await audit.flush()
      if (keepFiles) temp.db.close()
      else temp.cleanup()
    },
  }
}

/** Rows to send, payment ids as given (the training server decides the outcome by suffix). */
export function rowsOf(paymentIds: string[], overrides: Partial<BulkRowInput> = {}): BulkRowInput[] {
  return paymentIds.map((paymentId, i) => ({
    line: i + 2,
    values: [paymentId, '08031234567'],
    paymentId,
    phone: '08031234567',
    transactionRef: `JB-${paymentId}-Bulk`,
    category: 'ready',
    send: true,
    ...overrides,
  }))
}

export const ids = (count: number, from = 500_000): string[] => Array.from({ length: count }, (_, i) => String(from + i * 10 + 1))
