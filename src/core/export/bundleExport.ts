import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PassThrough, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ZipFile } from 'yazl'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import { isDiagnosticLogFile } from '../log/diagnosticLog.ts'
import { redact, redactString } from '../log/redact.ts'
import { abortError, write } from './streamWrite.ts'

// Support bundle: one zip (yazl, streamed) holding
//   attempts.jsonl  – the records, exactly as the JSON Lines export writes them;
//   diagnostic.log  – the diagnostic log lines whose `time` falls in [from, to), from every
//                     diagnostic log file in logDir (current and rotated), oldest file first,
//                     each line redacted and phone-masked again;
//   audit.jsonl     – (when the caller gives writeAudit) the audit entries of [from, to), in the
//                     audit export's format (a verification line, then one entry per line);
//   about.json      – the caller's `about`, plus counts (by outcome, by error code), exportedAt,
//                     rows, fullPhone, and how many log lines were included.
//
// Log line selection: every `*.log` file in logDir (this module's naming: diagnostic.log, the
// CLI's cli.log and their rotated files). A line is a pino NDJSON object whose `time` is epoch
// ms (an ISO string is accepted too). With no bounds every line is taken; with a bound, a line
// whose time cannot be read (not JSON, no `time`) is left out, since it cannot be placed in the
// window. The files are merged into one time order, streaming (never a whole file in memory).

export interface BundleOptions {
  logDir: string
  /** Inclusive lower bound for log lines, ms since epoch. */
  from?: number | undefined
  /** Exclusive upper bound for log lines, ms since epoch. */
  to?: number | undefined
  about: Record<string, unknown>
  /** Streams the audit trail's entries of the period (with the verification they were read after) into audit.jsonl. */
  writeAudit?: ((out: Writable) => Promise<{ entries: number; verification: { ok: boolean; verifiedUpTo: number } }>) | undefined
}

export interface ExportCounts {
  byOutcome: Record<string, number>
  byErrorCode: Record<string, number>
}

/** Past this many distinct error codes the rest are counted together (bounded memory). */
export const MAX_DISTINCT_CODES = 1000
export const OTHER_CODES = '(other)'

/** Counts by outcome and by error code (a record counts once per distinct code it carries). */
export function createCounter(): { add(record: AttemptRecord): void; counts: ExportCounts } {
  const byOutcome: Record<string, number> = Object.create(null) as Record<string, number>
  const byErrorCode: Record<string, number> = Object.create(null) as Record<string, number>
  let distinct = 0
  return {
    counts: { byOutcome, byErrorCode },
    add(record) {
      byOutcome[record.outcome] = (byOutcome[record.outcome] ?? 0) + 1
      const errors = Array.isArray(record.errors) ? record.errors : []
      if (errors.length === 0) return
      const codes = errors.length === 1 ? [String(errors[0]?.code)] : [...new Set(errors.map((e) => String(e.code)))]
      for (const code of codes) {
        let key = code
        if (byErrorCode[key] === undefined) {
          if (distinct >= MAX_DISTINCT_CODES) key = OTHER_CODES
          else distinct++
        }
        byErrorCode[key] = (byErrorCode[key] ?? 0) + 1
      }
    },
  }
}

/** The diagnostic log files in `dir` (current and rotated, console and CLI), oldest first by mtime. */
export async function listLogFiles(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const files: { path: string; mtime: number; name: string }[] = []
  for (const name of names) {
    if (!isDiagnosticLogFile(name)) continue
    const path = join(dir, name)
    const info = await stat(path).catch(() => null)
    if (info?.isFile()) files.push({ path, mtime: info.mtimeMs, name })
  }
  files.sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name))
  return files.map((f) => f.path)
}

function lineTime(parsed: unknown): number | null {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null
  const time = (parsed as { time?: unknown }).time
  if (typeof time === 'number' && Number.isFinite(time)) return time
  if (typeof time === 'string') {
    const ms = Date.parse(time)
    return Number.isNaN(ms) ? null : ms
  }
  return null
}

export interface LogWindow {
  from?: number | undefined
  to?: number | undefined
}

interface ParsedLine {
  /** The line's own time, or null when it has none (not JSON, no `time`). */
  time: number | null
  parsed: unknown
  raw: string
  isJson: boolean
}

function parseLine(raw: string): ParsedLine {
  try {
    const parsed: unknown = JSON.parse(raw)
    return { time: lineTime(parsed), parsed, raw, isJson: true }
  } catch {
    return { time: null, parsed: null, raw, isJson: false }
  }
}

function inWindow(time: number | null, window: LogWindow): boolean {
  if (window.from === undefined && window.to === undefined) return true
  if (time === null) return false
  if (window.from !== undefined && time < window.from) return false
  if (window.to !== undefined && time >= window.to) return false
  return true
}

/** The line as written into the bundle: re-redacted (and phone-masked unless fullPhone). */
function cleanLine(line: ParsedLine, fullPhone: boolean): string {
  return line.isJson ? JSON.stringify(redact(line.parsed, { fullPhone })) : redactString(line.raw, { fullPhone })
}

/** Lines of one file, each with the time used for merging (a line without one inherits the previous line's). */
async function* fileLines(path: string): AsyncGenerator<ParsedLine & { sortTime: number }> {
  const input = createReadStream(path, { encoding: 'utf8' })
  const reader = createInterface({ input, crlfDelay: Infinity })
  let last = Number.NEGATIVE_INFINITY
  try {
    for await (const raw of reader) {
      if (raw.trim() === '') continue
      const line = parseLine(raw)
      if (line.time !== null) last = line.time
      yield { ...line, sortTime: last }
    }
  } finally {
    reader.close()
    input.destroy()
  }
}

/**
 * The selected lines of every log file in `logDir`, merged into one time order (the console's
 * and the CLI's logs overlap in time; rotated files of one log do not). One line per file is
 * held at a time.
 */
export async function* mergedLogLines(logDir: string, window: LogWindow, fullPhone: boolean): AsyncGenerator<string> {
  const sources = (await listLogFiles(logDir)).map((path) => fileLines(path))
  const heads: ((ParsedLine & { sortTime: number }) | null)[] = []
  try {
    for (const source of sources) heads.push((await source.next()).value ?? null)
    for (;;) {
      let pick = -1
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]
        if (head && (pick < 0 || head.sortTime < (heads[pick] as ParsedLine & { sortTime: number }).sortTime)) pick = i
      }
      if (pick < 0) return
      const line = heads[pick] as ParsedLine & { sortTime: number }
      heads[pick] = (await (sources[pick] as AsyncGenerator<ParsedLine & { sortTime: number }>).next()).value ?? null
      if (inWindow(line.time, window)) yield cleanLine(line, fullPhone)
    }
  } finally {
    await Promise.all(sources.map((source) => source.return(undefined)))
  }
}

/** Streams the selected, redacted log lines into `out`; returns how many were written. */
export async function writeLogLines(
  out: Writable,
  options: LogWindow & { logDir: string; fullPhone: boolean; signal?: AbortSignal | undefined },
): Promise<number> {
  let lines = 0
  let chunk = ''
  for await (const line of mergedLogLines(options.logDir, options, options.fullPhone)) {
    chunk += line + '\n'
    lines++
    if (chunk.length >= 64 * 1024) {
      await write(out, chunk, options.signal)
      chunk = ''
    }
  }
  if (chunk) await write(out, chunk, options.signal)
  return lines
}

export interface WriteBundleOptions extends BundleOptions {
  fullPhone: boolean
  signal?: AbortSignal | undefined
  now: () => number
  /** Streams attempts.jsonl into `entry` (with backpressure), calling observe for each record; returns rows. */
  writeAttempts(entry: Writable, observe: (record: AttemptRecord) => void): Promise<number>
}

/** Writes the bundle zip into `out` and resolves once `out` has finished. */
export async function writeBundle(out: Writable, options: WriteBundleOptions): Promise<{ rows: number; counts: ExportCounts; logLines: number }> {
  const zip = new ZipFile()
  const mtime = new Date(options.now())
  let current: PassThrough | null = null
  let failure: Error | null = null
  const piped = pipeline(zip.outputStream as NodeJS.ReadableStream & AsyncIterable<Buffer>, out).catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error))
    current?.destroy(failure)
    throw failure
  })
  // Keep an unhandled rejection from surfacing before we await it below.
  piped.catch(() => {})

  const entry = (name: string): PassThrough => {
    const stream = new PassThrough()
    zip.addReadStream(stream, name, { mtime, mode: 0o100644 })
    current = stream
    return stream
  }
  const endEntry = (stream: PassThrough): void => {
    stream.end()
    current = null
  }

  try {
    const counter = createCounter()
    const attempts = entry('attempts.jsonl')
    const rows = await options.writeAttempts(attempts, counter.add)
    endEntry(attempts)

    const log = entry('diagnostic.log')
    const logLines = await writeLogLines(log, options)
    endEntry(log)

    let audit: { entries: number; verified: boolean; verifiedUpTo: number } | null = null
    if (options.writeAudit) {
      const auditEntry = entry('audit.jsonl')
      const written = await options.writeAudit(auditEntry)
      endEntry(auditEntry)
      audit = { entries: written.entries, verified: written.verification.ok, verifiedUpTo: written.verification.verifiedUpTo }
    }

    if (options.signal?.aborted) throw abortError(options.signal)
    const about = redact(
      {
        ...options.about,
        counts: { byOutcome: { ...counter.counts.byOutcome }, byErrorCode: { ...counter.counts.byErrorCode } },
        exportedAt: new Date(options.now()).toISOString(),
        rows,
        fullPhone: options.fullPhone,
        diagnosticLog: { from: options.from ?? null, to: options.to ?? null, lines: logLines },
        ...(audit ? { audit } : {}),
      },
      { fullPhone: options.fullPhone },
    )
    zip.addBuffer(Buffer.from(JSON.stringify(about, null, 2) + '\n', 'utf8'), 'about.json', { mtime, mode: 0o100644 })
    zip.end()
    await piped
    return { rows, counts: counter.counts, logLines }
  } catch (error) {
    const stream = current as PassThrough | null
    stream?.destroy()
    ;(zip.outputStream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
    throw (error as Error | null)?.name === 'AbortError' ? error : (failure ?? error)
  }
}
