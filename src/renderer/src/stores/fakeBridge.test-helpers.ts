import type { AttemptRecord } from '../../../shared/domain/attempt.ts'
import type { BulkProgress } from '../../../shared/domain/bulkRun.ts'
import type { EnvironmentId } from '../../../shared/domain/environments.ts'
import type { IpcResponses, OtpBridge } from '../../../shared/ipc/contract.ts'
import type { EnvironmentsState } from '../../../shared/domain/environmentState.ts'
import type { Result } from '../../../shared/domain/result.ts'
import { sampleRecord } from '../../../shared/domain/attempt.test-helpers.ts'

type Handler = (request: unknown) => Promise<Result<unknown>> | Result<unknown>

export function environments(active: EnvironmentId = 'training'): EnvironmentsState {
  return {
    active,
    environments: (['training', 'sandbox', 'production', 'custom'] as const).map((id) => ({
      id,
      label: id[0]!.toUpperCase() + id.slice(1),
      baseUrl: `https://${id}.example`,
      passportUrl: `https://${id}.example`,
      editable: id !== 'training',
      credentials: { stored: id !== 'custom', clientId: id !== 'custom' ? 'IKIA1' : null },
    })),
    keychain: { available: true },
  }
}

/** A fake bridge recording every call; override handlers per test. */
export function fakeBridge(overrides: Partial<Record<keyof IpcResponses, Handler>> = {}) {
  const calls: { method: string; request: unknown }[] = []
  let active: EnvironmentId = 'training'
  const ok = <T>(value: T): Result<T> => ({ ok: true, value })
  const defaults: Partial<Record<keyof IpcResponses, Handler>> = {
    getEnvironments: () => ok(environments(active)),
    setActiveEnvironment: (r) => {
      active = (r as { id: EnvironmentId }).id
      return ok(environments(active))
    },
    precheckEnroll: () => ok({ risky: [], clockOffsetMs: 0, team: null, teamError: null }),
    enroll: (r) => {
      const req = r as { paymentId: string; transactionRef: string }
      return ok(sampleRecord({ id: calls.length, outcome: 'enrolled', paymentId: req.paymentId, transactionRef: req.transactionRef, errors: [] }) as AttemptRecord)
    },
    queryHistory: () => ok({ rows: [], nextCursor: null }),
    countHistory: () => ok({ total: 0 }),
  }
  const handlers = { ...defaults, ...overrides }
  const bridge: Record<string, unknown> = {}
  for (const method of [
    'getAppInfo',
    'openLogFolder',
    'getEnvironments',
    'setActiveEnvironment',
    'updateEnvironment',
    'setCredentials',
    'deleteCredentials',
    'confirmDestination',
    'enroll',
    'precheckEnroll',
    'queryHistory',
    'countHistory',
    'getAttempt',
    'getStatusStrip',
    'getHistoryTrends',
    'exportHistory',
    'cancelExport',
    'showInFolder',
    'getRetention',
    'setRetention',
    'listAudit',
    'verifyAudit',
    'exportAudit',
    'getTeamSettings',
    'setTeamSettings',
    'clearTeamSettings',
    'chooseTeamCaFile',
    'setTeamPassword',
    'deleteTeamPassword',
    'testTeamConnection',
    'getTeamStatus',
    'listTeamConsoles',
    'verifyTeamAudit',
    'pickBulkFile',
    'previewBulkFile',
    'startBulkRun',
    'pauseBulkRun',
    'resumeBulkRun',
    'cancelBulkRun',
    'listBulkRuns',
    'getBulkRun',
    'retryBulkRun',
    'exportBulkRun',
  ] as const) {
    bridge[method] = async (request?: unknown) => {
      calls.push({ method, request })
      const h = handlers[method]
      if (!h) return { ok: false, error: { code: 'internal', message: `no fake for ${method}` } }
      return h(request)
    }
  }
  bridge.onExportProgress = () => () => {}
  const bulkListeners = new Set<(progress: BulkProgress) => void>()
  bridge.onBulkProgress = (listener: (progress: BulkProgress) => void) => {
    bulkListeners.add(listener)
    return () => bulkListeners.delete(listener)
  }
  return {
    bridge: bridge as unknown as OtpBridge,
    calls,
    callsOf: (m: string) => calls.filter((c) => c.method === m),
    /** Pushes a bulk progress event as main would. */
    emitBulkProgress: (progress: BulkProgress) => bulkListeners.forEach((listener) => listener(progress)),
  }
}

/** A promise with its resolve exposed, to hold a fake call in flight. */
export function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}
