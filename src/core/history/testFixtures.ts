import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { openDatabase } from '../storage/openDatabase.ts'
import { createHistoryStore } from './historyStore.ts'
import type { AttemptCompletion, HistoryStore, NewAttempt } from './types.ts'

// Shared by the history tests (not shipped code): a real database file in a fresh temp dir,
// and attempts built from a few fields.

export interface TempDb {
  dir: string
  path: string
  db: DatabaseSync
  cleanup(): void
}

export function openTempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'otp-history-test-'))
  const path = join(dir, 'data', 'history.sqlite')
  const db = openDatabase(path)
  return {
    dir,
    path,
    db,
    cleanup() {
      if (db.isOpen) db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A temporary database with a history store on it, for a test's beforeEach. */
export function openTempHistory(): { temp: TempDb; store: HistoryStore } {
  const temp = openTempDb()
  return { temp, store: createHistoryStore(temp.db) }
}

export function newAttempt(overrides: Partial<NewAttempt> = {}): NewAttempt {
  const paymentId = overrides.paymentId ?? '266274'
  const phone = overrides.phone ?? '2348031234567'
  const transactionRef = overrides.transactionRef ?? 'JB-1542891523-Enrol'
  return {
    startedAt: 1_700_000_000_000,
    environment: 'sandbox',
    baseUrl: 'https://sandbox.interswitchng.com',
    channel: 'console',
    operator: 'ada.obi',
    appVersion: '0.1.0',
    clientId: 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218',
    paymentId,
    phone,
    transactionRef,
    signatureMethod: 'SHA-256',
    requestUrl: 'https://sandbox.interswitchng.com/api/v3/purchases/otps/enrollments',
    requestHeaders: {},
    requestBody: JSON.stringify({ paymentId, mobilePhoneNumber: phone, transactionRef }),
    retryOf: null,
    ...overrides,
  }
}

export function completion(outcome: AttemptRecord['outcome'], overrides: Partial<AttemptCompletion> = {}): AttemptCompletion {
  const codes: Record<string, AttemptRecord['errors']> = {
    rejected: [{ code: '10403', message: 'Payments is not allowed for auto enrollment' }],
  }
  return {
    finishedAt: 1_700_000_000_900,
    httpStatus: outcome === 'enrolled' ? 200 : outcome === 'rejected' ? 400 : null,
    responseHeaders: outcome === 'enrolled' || outcome === 'rejected' ? { 'content-type': 'application/json', date: 'Tue, 14 Nov 2023 22:13:21 GMT' } : null,
    responseBody: outcome === 'enrolled' ? '{"transactionRef":"JB-1542891523-Enrol"}' : outcome === 'rejected' ? '{"errors":[{"code":"10403"}]}' : null,
    outcome,
    errors: codes[outcome] ?? [],
    failureReason: outcome === 'failed' || outcome === 'unknown' ? 'No answer.' : null,
    tokenMs: 120,
    requestMs: 700,
    durationMs: 900,
    clockOffsetMs: outcome === 'enrolled' || outcome === 'rejected' ? 1000 : null,
    ...overrides,
  }
}
