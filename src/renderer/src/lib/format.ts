import type { Outcome } from '../../../shared/domain/outcome.ts'

// Display formatting shared by every view. Pure functions: the caller passes "now" when it
// matters, so the tests do not depend on the clock.

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Local `2025-11-21 06:00:03`: sortable, unambiguous and dense enough for tables. */
export function formatDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** `06:00:03` when `ms` is on the same local day as `nowMs`, the full date-time otherwise. */
export function formatWhen(ms: number, nowMs: number): string {
  const a = new Date(ms)
  const b = new Date(nowMs)
  const sameDay = a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
  return sameDay ? formatDateTime(ms).slice(11) : formatDateTime(ms)
}

/** `3 min ago`, `2 h ago`, `yesterday`-style coarse age for warnings. */
export function formatAge(ms: number, nowMs: number): string {
  const s = Math.round((nowMs - ms) / 1000)
  if (s < 0) return 'in the future'
  if (s < 45) return 'just now'
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.round(m / 60)
  if (h < 48) return `${h} h ago`
  return `${Math.round(h / 24)} days ago`
}

/** `230 ms`, `1.23 s`, `1 min 3 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const v = Math.max(0, Math.round(ms))
  if (v < 1000) return `${v} ms`
  if (v < 60_000) return `${(v / 1000).toFixed(2)} s`
  return spanWords(v)
}

/** `2 min 3 s`, `1 h 5 min`, `45 s` for a positive span. */
export function spanWords(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`
  return `${s} s`
}

/** Server clock minus local clock, in words: `server is 2 min 3 s ahead`. */
export function formatClockOffset(offsetMs: number | null | undefined): string {
  if (offsetMs === null || offsetMs === undefined || !Number.isFinite(offsetMs)) return 'not measured (no Date header in the answer)'
  if (Math.abs(offsetMs) < 1000) return 'in sync (within 1 s)'
  return `server is ${spanWords(offsetMs)} ${offsetMs > 0 ? 'ahead' : 'behind'}`
}

/** Limit from the brief: past 5 minutes we warn; the API itself refuses past 30 (E24). */
export const CLOCK_WARNING_MS = 5 * 60_000

export function clockIsOff(offsetMs: number | null | undefined): boolean {
  return typeof offsetMs === 'number' && Math.abs(offsetMs) > CLOCK_WARNING_MS
}

/**
 * Success rate as a percentage. The contract gives a number without a unit; values up to 1
 * are read as a fraction (0.75 → 75 %), larger ones as an already computed percentage.
 */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  const pct = rate <= 1 ? rate * 100 : rate
  return `${pct >= 99.95 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return n.toLocaleString('en-GB')
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  enrolled: 'Enrolled',
  rejected: 'Rejected',
  failed: 'Failed',
  unknown: 'Outcome unknown',
}

/** Short labels for badges and filter chips. */
export const OUTCOME_SHORT: Record<Outcome, string> = {
  enrolled: 'Enrolled',
  rejected: 'Rejected',
  failed: 'Failed',
  unknown: 'Unknown',
}

/** Pretty-prints a JSON text; anything else comes back unchanged. */
export function prettyBody(body: string | null | undefined): { text: string; json: boolean } {
  if (body === null || body === undefined || body === '') return { text: '', json: false }
  try {
    return { text: JSON.stringify(JSON.parse(body), null, 2), json: true }
  } catch {
    return { text: body, json: false }
  }
}

/** Unix seconds (the Timestamp header) → ms since epoch, or null when it is not a number. */
export function unixSecondsToMs(value: string | undefined): number | null {
  if (!value || !/^\d{1,12}$/.test(value)) return null
  return Number(value) * 1000
}
