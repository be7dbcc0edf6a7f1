import type { DatabaseSync } from 'node:sqlite'
import {
  bulkConfirmationText,
  checkBulkSettings,
  isBulkConfirmed,
  isResumableState,
  type BulkProgress,
  type BulkRowInput,
  type BulkRun,
  type BulkRunSettings,
  type BulkRunSummary,
} from '../../shared/domain/bulkRun.ts'
import { bulkCategorySent, bulkTransactionRef, type BulkColumnMapping, type ClassifiedBulkRow } from '../../shared/domain/bulk.ts'
import { validateEnrollInput } from '../../shared/domain/enrollInput.ts'
import { ENVIRONMENT_LABELS, type EnvironmentId } from '../../shared/domain/environments.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import { DEFAULT_SIGNATURE_METHOD } from '../../shared/domain/signatureMethods.ts'
import type { AttemptDeps } from '../enroll/enrollService.ts'
import { checkTargetUrls } from '../protocol/targetUrls.ts'
import type { EnrollTarget } from '../protocol/types.ts'
import { startEngine, type RunHandle } from './runEngine.ts'
import { createRunHeapGrowth } from './runHeapGrowth.ts'
import { createRunPageCache } from './runPageCache.ts'
import type { RunStore } from './runStore.ts'

// The bulk runner's API (console IPC and CLI alike): store a run with its rows, start or
// resume it (checks first: settings, audit key, production confirmation, destination, nobody
// else driving it), pause/resume/cancel, the summary with the unknown rows, and "retry failed
// rows" as a new run.

export interface BulkRunnerDeps extends AttemptDeps {
  db: DatabaseSync
  runs: RunStore
}

export interface CreateRunRequest {
  fileName: string
  fileFingerprint: string
  environment: EnvironmentId
  header: string[]
  mapping: BulkColumnMapping
  settings: BulkRunSettings
  /** The preview's rows, in file order (an iterator is read once, never held whole). */
  rows: Iterable<BulkRowInput>
}

export interface CreateFromFileRequest {
  path: string
  /** The mapping step's answer; without it the headers must be recognised. */
  mapping?: BulkColumnMapping | undefined
  /** Send the rows history flags (already enrolled, unknown outcome) too. Default false. */
  includeFlagged?: boolean | undefined
  /** The preview's fileSha256: a file changed since its preview is refused. */
  expectedSha256?: string | undefined
  environment: EnvironmentId
  settings: BulkRunSettings
}

export interface StartRunOptions {
  /** Production: the typed `production <rows>` (bulkConfirmationText). */
  confirmation?: string | undefined
  onProgress?: (progress: BulkProgress) => void
}

/** A classified row as stored: the MSISDN is sent, an empty reference is generated (bulkTransactionRef). */
function rowInput(row: ClassifiedBulkRow, includeFlagged: boolean, createdAt: number): BulkRowInput {
  return {
    line: row.line,
    values: row.values,
    paymentId: row.paymentId,
    phone: row.msisdn ?? row.phone,
    transactionRef: row.transactionRef === '' ? bulkTransactionRef(createdAt, row.line) : row.transactionRef,
    category: row.category,
    send: bulkCategorySent(row.category, includeFlagged),
  }
}

/** A row held until the run is stored, as one string (a JSON array of its fields). */
function spoolRow(row: BulkRowInput): string {
  return JSON.stringify([row.line, row.values, row.paymentId, row.phone, row.transactionRef, row.category, row.send])
}

/** The spooled rows back as rows, each spooled string let go as it is read. */
function* unspooledRows(spooled: string[]): Generator<BulkRowInput> {
  for (let i = 0; i < spooled.length; i++) {
    const [line, values, paymentId, phone, transactionRef, category, send] = JSON.parse(spooled[i] as string) as [number, string[], string, string, string, BulkRowInput['category'], boolean]
    spooled[i] = ''
    yield { line, values, paymentId, phone, transactionRef, category, send }
  }
}

export function createBulkRunner(deps: BulkRunnerDeps) {
  const { runs } = deps
  const active = new Map<number, RunHandle>()
  const pageCache = createRunPageCache(deps.db)
  const heapGrowth = createRunHeapGrowth()
  /** Runs being stored now (createFromFile, create, a retry's run): they write and allocate like a run that sends. */
  let storing = 0
  /** The process-wide settings held while runs are stored or sent (page cache, heap growth). */
  function activeRunsChanged() {
    pageCache.update(active.size + storing)
    heapGrowth.update(active.size + storing)
  }
  async function whileStoring<T>(work: () => Promise<T>): Promise<T> {
    storing += 1
    activeRunsChanged()
    try {
      return await work()
    } finally {
      storing -= 1
      activeRunsChanged()
    }
  }

  async function target(environment: EnvironmentId): Promise<Result<EnrollTarget>> {
    const resolution = await deps.resolveTarget(environment)
    if (!resolution.ok) return resolution.result
    const urls = checkTargetUrls(resolution.target)
    if (!urls.ok) return fail('invalid-input', urls.reason)
    return ok({ ...resolution.target, baseUrl: urls.baseUrl, passportUrl: urls.passportUrl, signatureMethod: DEFAULT_SIGNATURE_METHOD })
  }

  /**
   * Reads the file again with the preview's rules (bulkfile's reader and classifier) and stores
   * the run with every row, its category and whether it is sent. Nothing is sent.
   */
  function createFromFile(request: CreateFromFileRequest): Promise<Result<BulkRun>> {
    return whileStoring(() => storeFromFile(request))
  }

  async function storeFromFile(request: CreateFromFileRequest): Promise<Result<BulkRun>> {
    const refused = checkBulkSettings(request.settings)
    if (refused) return fail('invalid-input', refused)
    const [{ openBulkCsv }, { classifyBulkRows }, { isBulkFileError }] = await Promise.all([import('./csvReader.ts'), import('./previewRows.ts'), import('./csvFileError.ts')])
    const createdAt = deps.now()
    // The run and all its rows go in one transaction, once the whole file has been read: until
    // then each row is held as ONE compact string (spooledRow), not an object of strings — at
    // 100,000 rows that is a few MB instead of ~70 MB at the run's start.
    const rows: string[] = []
    let csv: Awaited<ReturnType<typeof openBulkCsv>>
    try {
      csv = await openBulkCsv(request.path, request.mapping ? { mapping: request.mapping } : {})
      for await (const batch of classifyBulkRows(csv.batches, (ids) => deps.history.paymentOutcomes(ids))) {
        for (const row of batch) rows.push(spoolRow(rowInput(row, request.includeFlagged === true, createdAt)))
      }
    } catch (error) {
      if (isBulkFileError(error)) return fail('bad-file', error.message)
      throw error
    }
    const fingerprint = csv.sha256()
    if (request.expectedSha256 !== undefined && request.expectedSha256 !== fingerprint) {
      return fail('bad-file', `${csv.fileName} has changed since its preview. Preview it again before sending; nothing was sent.`)
    }
    return create({ fileName: csv.fileName, fileFingerprint: fingerprint, environment: request.environment, header: csv.header.headers, mapping: csv.mapping, settings: request.settings, rows: unspooledRows(rows) })
  }

  /** Stores the run and its rows (nothing is sent). A row to send that fails the Enroll rules is stored skipped. */
  function create(request: CreateRunRequest, retryOfRun: number | null = null): Promise<Result<BulkRun>> {
    return whileStoring(() => storeRun(request, retryOfRun))
  }

  async function storeRun(request: CreateRunRequest, retryOfRun: number | null): Promise<Result<BulkRun>> {
    const refused = checkBulkSettings(request.settings)
    if (refused) return fail('invalid-input', refused)
    const resolved = await target(request.environment)
    if (!resolved.ok) return resolved
    const run = runs.create(
      {
        fileName: request.fileName,
        fileFingerprint: request.fileFingerprint,
        environment: request.environment,
        baseUrl: resolved.value.baseUrl,
        header: request.header,
        mapping: request.mapping,
        concurrency: request.settings.concurrency,
        rate: request.settings.rate,
        operator: deps.operator,
        retryOfRun,
      },
      checkedRows(request.rows),
    )
    return ok(run)
  }

  function* checkedRows(rows: Iterable<BulkRowInput>): Generator<BulkRowInput> {
    for (const row of rows) {
      if (!row.send) {
        yield row
        continue
      }
      const checked = validateEnrollInput({ paymentId: row.paymentId, phone: row.phone, transactionRef: row.transactionRef, signatureMethod: DEFAULT_SIGNATURE_METHOD })
      yield checked.ok ? { ...row, phone: checked.value.mobilePhoneNumber } : { ...row, category: 'invalid', send: false }
    }
  }

  /** Starts a stored run, or resumes one left unfinished: rows with an attempt are never sent again. */
  async function start(runId: number, options: StartRunOptions = {}): Promise<Result<RunHandle>> {
    const running = active.get(runId)
    if (running) return ok(running)
    const run = runs.get(runId)
    if (!run) return fail('not-found', `Bulk run #${runId} is not in the history.`)
    if (!isResumableState(run.state)) return fail('invalid-input', `Bulk run #${runId} is ${run.state}; it cannot be started again.`)
    const auditRefusal = deps.audit.unavailable()
    if (auditRefusal) return fail('keychain-unavailable', auditRefusal)
    const counts = runs.counts(runId)
    const requests = counts.total - counts.skipped
    if (!isBulkConfirmed(run.environment, requests, options.confirmation)) {
      return fail(
        'confirmation-required',
        `Sending ${requests} enrollments to ${ENVIRONMENT_LABELS[run.environment]} needs a typed confirmation: "${bulkConfirmationText(run.environment, requests)}".`,
      )
    }
    const resolved = await target(run.environment)
    if (!resolved.ok) return resolved
    // Training's built-in server gets a new port at every start of the console: not a new destination.
    if (run.environment !== 'training' && resolved.value.baseUrl !== run.baseUrl) {
      return fail('destination-changed', `Bulk run #${runId} was started against ${run.baseUrl}, but ${ENVIRONMENT_LABELS[run.environment]} now points at ${resolved.value.baseUrl}. Nothing was sent.`)
    }
    const fresh = runs.isFresh(runId)
    if (!runs.claim(runId)) return fail('busy', `Bulk run #${runId} is being sent by another window or command.`)
    const unknown = fresh ? 0 : runs.unknownRows(runId).length
    deps.audit.record({
      action: fresh ? 'bulk.start' : 'bulk.resume',
      summary: `Bulk run #${runId} (${run.fileName}) ${fresh ? 'started' : 'resumed'} on ${ENVIRONMENT_LABELS[run.environment]}: ${counts.pending} to send, concurrency ${run.concurrency}, ${run.rate === null ? 'no rate limit' : `at most ${run.rate}/s`}${unknown ? `, ${unknown} unknown left as they are` : ''}`,
      details: { runId, environment: run.environment, fileName: run.fileName, fileFingerprint: run.fileFingerprint, pending: counts.pending, skipped: counts.skipped, unknown, concurrency: run.concurrency, rate: run.rate, retryOfRun: run.retryOfRun },
    })
    deps.logger.info('bulk.start', { runId, pending: counts.pending, resumed: !fresh })
    const handle = startEngine(
      { db: deps.db, history: deps.history, runs, audit: deps.audit, client: deps.client, logger: deps.logger, now: deps.now, context: { environment: run.environment, channel: deps.channel, operator: deps.operator, appVersion: deps.appVersion } },
      run,
      resolved.value,
      options.onProgress ?? (() => {}),
      () => {
        active.delete(runId)
        activeRunsChanged()
      },
    )
    active.set(runId, handle)
    activeRunsChanged()
    return ok(handle)
  }

  /** Cancels a run: the active one stops after its requests out; one left unfinished elsewhere is closed. */
  function cancel(runId: number): Result<null> {
    const handle = active.get(runId)
    if (handle) {
      handle.cancel()
      return ok(null)
    }
    const run = runs.get(runId)
    if (!run) return fail('not-found', `Bulk run #${runId} is not in the history.`)
    if (!isResumableState(run.state)) return fail('invalid-input', `Bulk run #${runId} is ${run.state}.`)
    if (!runs.claim(runId)) return fail('busy', `Bulk run #${runId} is being sent by another window or command.`)
    runs.setState(runId, 'cancelled')
    deps.audit.record({ action: 'bulk.cancel', summary: `Bulk run #${runId} (${run.fileName}) cancelled while not running`, details: { runId, counts: runs.counts(runId) } })
    return ok(null)
  }

  function summary(runId: number): Result<BulkRunSummary> {
    const run = runs.get(runId)
    if (!run) return fail('not-found', `Bulk run #${runId} is not in the history.`)
    const out = active.get(runId)?.inFlight() ?? new Set<number>()
    let retryable = 0
    for (const _ of runs.retryableRows(runId)) retryable += 1
    return ok({ run, counts: runs.counts(runId, out), skipped: runs.skippedByCategory(runId), unknownRows: runs.unknownRows(runId, out), retryableRows: retryable })
  }

  /** A new run (retry_of_run) of the rows rejected with a retry-later code or failed before reaching the API. */
  async function retryFailed(runId: number, settings?: BulkRunSettings): Promise<Result<BulkRun>> {
    const original = runs.get(runId)
    if (!original) return fail('not-found', `Bulk run #${runId} is not in the history.`)
    if (active.has(runId)) return fail('busy', `Bulk run #${runId} is still running; retry its failed rows once it has ended.`)
    let any = false
    for (const _ of runs.retryableRows(runId)) {
      any = true
      break
    }
    if (!any) return fail('not-found', `Bulk run #${runId} has no rows to retry (rejected with a retry-later code, or failed before reaching the API).`)
    return create(
      {
        fileName: original.fileName,
        fileFingerprint: original.fileFingerprint,
        environment: original.environment,
        header: original.header,
        mapping: original.mapping,
        settings: settings ?? { concurrency: original.concurrency, rate: original.rate },
        rows: runs.retryableRows(runId),
      },
      runId,
    )
  }

  /**
   * For shutdown: nothing new starts in any run, the requests out finish, and each run is left
   * `interrupted` so that the next start offers to resume it.
   */
  async function stopAll(): Promise<void> {
    const handles = [...active.values()]
    await Promise.all(handles.map((handle) => handle.stop()))
    for (const handle of handles) active.delete(handle.runId)
    activeRunsChanged()
  }

  return {
    createFromFile,
    create,
    start,
    stopAll,
    cancel,
    pause: (runId: number) => active.get(runId)?.pause(),
    resume: (runId: number) => active.get(runId)?.resume(),
    handle: (runId: number) => active.get(runId),
    summary,
    retryFailed,
    /** Every row of a run joined to its attempt, in file order (run export, results list). */
    rowResults: (runId: number) => runs.rowResults(runId),
    /** Runs that can be resumed and are not running in this process (after a restart: offer to resume). */
    unfinished: (limit = 20) => runs.list(limit).filter((run) => isResumableState(run.state) && !active.has(run.id)),
    /** The newest unfinished run of this file (same bytes), to resume. */
    resumableFor: (fileFingerprint: string) => runs.resumableFor(fileFingerprint),
    list: (limit: number) => runs.list(limit),
  }
}

export type BulkRunner = ReturnType<typeof createBulkRunner>
