import { join } from 'node:path'
import { pino } from 'pino'
import { createStream, type RotatingFileStream } from 'rotating-file-stream'
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE, tightenFiles } from '../storage/privateFiles.ts'
import type { Logger } from './logger.ts'
import { redact, redactString } from './redact.ts'

// The diagnostic log: pino NDJSON lines (`{"level":"info","time":<epoch ms>,"pid":…,"msg":…}`)
// written to a rotating-file-stream that rotates by size and daily and keeps maxFiles rotated
// files. Every message and field is passed through redact() before pino sees it, so secrets
// never reach the file and phone numbers are masked (unless fullPhone).
//
// File names: the current file is `diagnostic.log`; rotated files are
// `diagnostic.<YYYYMMDD-HHMMSS UTC>.<n>.log` (n counts rotations within the same second).
// rotating-file-stream keeps its list of rotated files in `diagnostic.log.txt`.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface DiagnosticLogOptions {
  dir: string
  fileName?: string
  /** Rotate when the file reaches this size (rotating-file-stream syntax: 300B, 10K, 10M, 1G). */
  maxSize?: string
  /** How many rotated files to keep. */
  maxFiles?: number
  /** Also rotate on this interval (rotating-file-stream syntax); default daily. */
  interval?: string
  level?: LogLevel
  fullPhone?: boolean
  /** Clock for the `time` field (ms since epoch). */
  now?: () => number
}

export type DiagnosticLog = Logger & {
  flush(): Promise<void>
  close(): Promise<void>
  dir: string
  /** The first write error, if the log file could not be written (logging never throws). */
  readonly lastError: Error | null
}

export const DEFAULT_LOG_FILE = 'diagnostic.log'

function splitName(fileName: string): { stem: string; ext: string } {
  const dot = fileName.lastIndexOf('.')
  return dot > 0 ? { stem: fileName.slice(0, dot), ext: fileName.slice(dot) } : { stem: fileName, ext: '' }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** The name of a rotated file (see the naming note above). */
export function rotatedLogName(fileName: string, time: Date, index: number): string {
  const { stem, ext } = splitName(fileName)
  const stamp = `${time.getUTCFullYear()}${pad(time.getUTCMonth() + 1)}${pad(time.getUTCDate())}-${pad(time.getUTCHours())}${pad(time.getUTCMinutes())}${pad(time.getUTCSeconds())}`
  return `${stem}.${stamp}.${index}${ext}`
}

/**
 * Whether `name` is the current or a rotated file of the diagnostic log called `fileName`;
 * without `fileName`, whether it is any diagnostic log file (`*.log`, e.g. the console's
 * diagnostic.log and the CLI's cli.log, both written by this module into the same folder).
 */
export function isDiagnosticLogFile(name: string, fileName?: string): boolean {
  if (fileName === undefined) return !name.startsWith('.') && name.endsWith('.log')
  if (name === fileName) return true
  const { stem, ext } = splitName(fileName)
  return new RegExp(`^${escapeRegExp(stem)}\\.\\d{8}-\\d{6}\\.\\d+${escapeRegExp(ext)}$`).test(name)
}

/** pino's own keys: a field of the same name is renamed so that it cannot shadow them. */
const RESERVED = new Set(['level', 'time', 'msg', 'pid', 'hostname'])

export function createDiagnosticLog(options: DiagnosticLogOptions): DiagnosticLog {
  const { dir, fileName = DEFAULT_LOG_FILE, maxSize = '10M', maxFiles = 10, interval = '1d', level = 'info', fullPhone = false } = options
  const now = options.now ?? Date.now
  // The folder 0700 and every file 0600: the stream opens its files with `mode`; its list of
  // rotated files (`<fileName>.txt`, written with fs.writeFile) is created 0600 beforehand,
  // as writeFile keeps the mode of an existing file.
  ensurePrivateDir(dir)
  ensurePrivateFile(join(dir, `${fileName}.txt`))
  tightenFiles(join(dir, fileName))

  const stream: RotatingFileStream = createStream((time: number | Date | null, index?: number) => {
    if (time === null || time === undefined) return fileName
    return rotatedLogName(fileName, typeof time === 'number' ? new Date(time) : time, index ?? 1)
  }, { path: dir, size: maxSize, interval, maxFiles, mode: PRIVATE_FILE_MODE })

  let lastError: Error | null = null
  let closed = false
  stream.on('error', (error: Error) => {
    lastError ??= error
  })
  stream.on('warning', (error: Error) => {
    lastError ??= error
  })

  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: () => `,"time":${now()}`,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  )

  const write = (method: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void => {
    if (closed || stream.destroyed) return
    const text = redactString(String(message), { fullPhone })
    if (!fields) {
      logger[method](text)
      return
    }
    const clean = redact(fields, { fullPhone }) as Record<string, unknown>
    for (const key of Object.keys(clean)) {
      if (RESERVED.has(key)) {
        clean[`field_${key}`] = clean[key]
        delete clean[key]
      }
    }
    logger[method](clean, text)
  }

  const flush = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (closed || stream.destroyed) return resolve()
      // Writes are applied in order, so once this empty write is done every earlier line is on disk.
      stream.write('', () => resolve())
    })

  let closing: Promise<void> | null = null
  return {
    dir,
    get lastError() {
      return lastError
    },
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    flush,
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true
        if (stream.destroyed || stream.writableFinished) return resolve()
        stream.once('finish', () => resolve())
        stream.once('error', () => resolve())
        stream.end()
      })
      return closing
    },
  }
}
