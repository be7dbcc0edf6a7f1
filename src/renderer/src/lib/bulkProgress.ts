import type { BulkCounts, BulkRunState } from '../../../shared/domain/bulkRun.ts'
import { spanWords } from './format.ts'

// How far a run is, in the words and numbers the Bulk view shows.

export interface RunFigures {
  /** Rows the run sends (every row not skipped by the preview). */
  toSend: number
  /** Rows with their attempt (answered or in flight). */
  sent: number
  /** 0–100, or null when the run sends nothing. */
  percent: number | null
}

export function runFigures(counts: BulkCounts): RunFigures {
  const toSend = Math.max(0, counts.total - counts.skipped)
  const sent = Math.max(0, toSend - counts.pending)
  return { toSend, sent, percent: toSend === 0 ? null : Math.min(100, Math.floor((sent / toSend) * 100)) }
}

export const RUN_STATE_LABELS: Record<BulkRunState, string> = {
  running: 'Running',
  paused: 'Paused',
  interrupted: 'Interrupted',
  cancelled: 'Cancelled',
  finished: 'Finished',
}

/** `4.8 requests/s`, or a dash when nothing was sent lately. */
export function formatRequestRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond) || perSecond <= 0) return '—'
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} requests/s`
}

/** `about 2 min 5 s`, `less than a second`, or a dash when unknown. */
export function formatTimeLeft(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 1) return 'less than a second'
  return `about ${spanWords(seconds * 1000)}`
}
