import type { BulkColumnMapping, BulkPreview } from '../shared/domain/bulk.ts'
import type { BulkProgress, BulkRunSummary } from '../shared/domain/bulkRun.ts'
import { EXIT, parse, UsageError } from './args.ts'
import { openCore } from './openCore.ts'
import type { Output } from './output.ts'

// `otp-console bulk`: previews (--dry-run) or sends a CSV file of enrollments through the same
// run store and runner as the console's Bulk view. The same file (same bytes) again resumes
// its unfinished run: rows with an attempt are never sent again; unknown ones are listed.
// Ctrl-C pauses (requests out finish) and exits; the same command resumes.

export const BULK_USAGE = `otp-console bulk --file F.csv [--env training|sandbox|production|custom] [--base-url URL] [--passport-url URL]
    [--concurrency N (1-32, default 4)] [--rate R (requests/s)] [--map paymentId=HEADER …] [--include-flagged]
    [--dry-run] [--confirm "production ROWS"] [--retry-failed RUN] [--data-dir DIR] [--json]
    Exit: 0 all rows enrolled or skipped as already enrolled, 1 some rejected or invalid, 2 bad file or usage,
    3 some unknown, failed or not sent`

const ROLES = ['paymentId', 'phone', 'transactionRef'] as const

function numberFlag(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`${flag} must be a ${integer ? 'whole ' : ''}number (got "${value}").`)
  return n
}

function mappingFrom(values: string[] | undefined): BulkColumnMapping | undefined {
  if (!values || values.length === 0) return undefined
  const mapping: BulkColumnMapping = {}
  for (const value of values) {
    const at = value.indexOf('=')
    const role = value.slice(0, at).trim()
    const header = value.slice(at + 1).trim()
    if (at < 1 || header === '' || !(ROLES as readonly string[]).includes(role)) throw new UsageError(`--map takes ROLE=HEADER with ROLE one of ${ROLES.join(', ')} (got "${value}").`)
    mapping[role as (typeof ROLES)[number]] = header
  }
  return mapping
}

/** 0 all enrolled (or skipped as already enrolled / duplicate), 1 some rejected or invalid, 3 some unknown, failed or not sent. */
export function bulkExitCode(summary: Pick<BulkRunSummary, 'counts' | 'skipped'>): number {
  const { counts, skipped } = summary
  if (counts.pending > 0 || counts.inFlight > 0 || counts.outcomes.unknown > 0 || counts.outcomes.failed > 0 || (skipped['unknown-outcome'] ?? 0) > 0) return EXIT.transport
  if (counts.outcomes.rejected > 0 || (skipped.invalid ?? 0) > 0) return EXIT.rejected
  return EXIT.enrolled
}

function progressLine(p: BulkProgress): string {
  const { counts } = p
  const done = counts.total - counts.skipped - counts.pending - counts.inFlight
  const left = p.secondsLeft === null ? '' : `, ~${p.secondsLeft} s left`
  return `Run #${p.runId}: ${done}/${counts.total - counts.skipped} sent — ${counts.outcomes.enrolled} enrolled, ${counts.outcomes.rejected} rejected, ${counts.outcomes.failed} failed, ${counts.outcomes.unknown} unknown, ${counts.inFlight} in flight — ${p.currentRate}/s${left}   `
}

function previewLines(preview: BulkPreview): string[] {
  const lines = [
    `Preview of ${preview.fileName}: ${preview.rows} rows, ${preview.requestsToSend} requests would be sent (nothing sent).`,
    ...Object.entries(preview.counts).map(([category, n]) => `  ${category}: ${n}`),
  ]
  for (const row of preview.firstRows.filter((r) => r.category !== 'ready').slice(0, 20)) {
    const why = row.errors ? Object.values(row.errors).join(' ') : row.duplicateOfLine ? `same payment id as line ${row.duplicateOfLine}` : row.attemptId ? `attempt #${row.attemptId}` : ''
    lines.push(`  line ${row.line}: ${row.category}${why ? ` — ${why}` : ''}`)
  }
  return lines
}

function summaryLines(summary: BulkRunSummary, resumed: boolean): string[] {
  const { run, counts } = summary
  const lines = [
    `Run #${run.id} of ${run.fileName} ${run.state}${resumed ? ' (resumed)' : ''}: ${counts.outcomes.enrolled} enrolled, ${counts.outcomes.rejected} rejected, ${counts.outcomes.failed} failed, ${counts.outcomes.unknown} unknown, ${counts.skipped} skipped, ${counts.pending} not sent.`,
  ]
  for (const [category, n] of Object.entries(summary.skipped)) lines.push(`  skipped ${category}: ${n}`)
  if (summary.unknownRows.length > 0) {
    lines.push(`  Unknown outcome — never sent again automatically; check these payments before sending them again:`)
    for (const row of summary.unknownRows.slice(0, 50)) lines.push(`    line ${row.line}: payment ${row.paymentId}, ref ${row.transactionRef}, attempt #${row.attemptId}`)
    if (summary.unknownRows.length > 50) lines.push(`    … and ${summary.unknownRows.length - 50} more (see History, filtered by run #${run.id}).`)
  }
  if (summary.retryableRows > 0) lines.push(`  ${summary.retryableRows} rows can be retried: otp-console bulk --retry-failed ${run.id}`)
  if (counts.pending > 0 && run.state !== 'cancelled') lines.push(`  Run the same command again to resume.`)
  return lines
}

export async function bulkCommand(argv: string[], out: Output): Promise<number> {
  const values = parse(argv, {
    file: { type: 'string' },
    env: { type: 'string' },
    'base-url': { type: 'string' },
    'passport-url': { type: 'string' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    map: { type: 'string', multiple: true },
    'include-flagged': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    confirm: { type: 'string' },
    'retry-failed': { type: 'string' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
  })
  out.json = values.json === true
  const retryOf = numberFlag(values['retry-failed'], '--retry-failed', true)
  if (!values.file && retryOf === undefined) throw new UsageError('bulk needs --file F.csv (or --retry-failed RUN).')
  if (values.file && retryOf !== undefined) throw new UsageError('--retry-failed takes the rows from its run: leave out --file.')
  const { DEFAULT_BULK_CONCURRENCY, checkBulkSettings, isResumableState } = await import('../shared/domain/bulkRun.ts')
  const settings = { concurrency: numberFlag(values.concurrency, '--concurrency', true) ?? DEFAULT_BULK_CONCURRENCY, rate: numberFlag(values.rate, '--rate', false) ?? null }
  const refused = checkBulkSettings(settings)
  if (refused) throw new UsageError(refused)
  const mapping = mappingFrom(values.map)

  const opened = await openCore({ dataDir: values['data-dir'] ?? undefined, env: values.env, baseUrl: values['base-url'], passportUrl: values['passport-url'], needsTraining: true })
  const { core } = opened
  try {
    if (values['dry-run']) {
      if (!values.file) throw new UsageError('--dry-run previews a file: give --file.')
      const { previewBulkFile } = await import('../core/bulk/preview.ts')
      const preview = await previewBulkFile(values.file, { paymentOutcomes: (ids) => core.history.paymentOutcomes(ids) }, { ...(mapping ? { mapping } : {}), includeFlagged: values['include-flagged'] === true })
      if (!preview.ok) return badFile(out, preview.error.message)
      out.result({ preview: { ...preview.value, firstRows: undefined } }, previewLines(preview.value))
      return EXIT.enrolled
    }

    let runId: number
    let resumed = false
    if (retryOf !== undefined) {
      const retry = await core.bulk.retryFailed(retryOf, values.concurrency || values.rate ? settings : undefined)
      if (!retry.ok) return notSent(out, retry.error.message)
      runId = retry.value.id
      if (!out.json) out.stderr(`Run #${runId} retries the failed rows of run #${retryOf}.\n`)
    } else {
      const file = values.file as string
      const { fileSha256 } = await import('../core/bulk/fileHash.ts')
      let fingerprint: string
      try {
        fingerprint = await fileSha256(file)
      } catch (error) {
        return badFile(out, `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`)
      }
      const unfinished = core.bulk.resumableFor(fingerprint)
      if (unfinished && isResumableState(unfinished.state)) {
        if (unfinished.environment !== opened.environment) {
          throw new UsageError(`${file} has an unfinished run #${unfinished.id} on ${unfinished.environment}; resume it there (--env ${unfinished.environment}) or cancel it in the console.`)
        }
        runId = unfinished.id
        resumed = true
        const before = core.bulk.summary(runId)
        const unknown = before.ok ? before.value.unknownRows.length : 0
        const pending = before.ok ? before.value.counts.pending : 0
        if (!out.json) out.stderr(`Resuming run #${runId} of ${unfinished.fileName} (${unfinished.state}): ${pending} rows left to send${unknown ? `, ${unknown} with an unknown outcome left as they are` : ''}.\n`)
      } else {
        const created = await core.bulk.createFromFile({ path: file, mapping, includeFlagged: values['include-flagged'] === true, environment: opened.environment, settings })
        if (!created.ok) return created.error.code === 'bad-file' ? badFile(out, created.error.message) : notSent(out, created.error.message)
        runId = created.value.id
      }
    }

    const started = await core.bulk.start(runId, { confirmation: values.confirm, onProgress: (p) => out.progress(progressLine(p)) })
    if (!started.ok) {
      const hint = started.error.code === 'confirmation-required' ? ' Pass it with --confirm.' : ''
      return notSent(out, `${started.error.message}${hint}`, resumed ? undefined : runId)
    }
    const handle = started.value
    // Ctrl-C: nothing new starts, the requests out finish, the run stays resumable.
    const onSignal = () => handle.pause()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      await handle.settled
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    const summary = core.bulk.summary(runId)
    if (!summary.ok) throw new Error(summary.error.message)
    out.result({ resumed, ...summary.value }, summaryLines(summary.value, resumed))
    return bulkExitCode(summary.value)
  } finally {
    await opened.close()
  }
}

function badFile(out: Output, message: string): number {
  out.error({ outcome: 'not-sent', error: { code: 'bad-file', message } }, [`Not sent: ${message}`])
  return EXIT.usage
}

function notSent(out: Output, message: string, runId?: number): number {
  const stored = runId === undefined ? '' : ` Run #${runId} is stored; run the same command again to start it.`
  out.error({ outcome: 'not-sent', error: { message }, runId: runId ?? null }, [`Not sent: ${message}${stored}`])
  return EXIT.usage
}
