// How long attempts (and their phone numbers) are kept. Older ones are purged at start-up and
// daily while the console runs, and by `cli purge --before DATE`.

export const DEFAULT_RETENTION_MONTHS = 13
export const MIN_RETENTION_MONTHS = 1
export const MAX_RETENTION_MONTHS = 120

export interface RetentionState {
  months: number
  /** Attempts that started before this time (ms since epoch) are purged. */
  cutoff: number
}

/** `months` calendar months (UTC) before `nowMs`; the 31st falls back to the month's last day. */
export function retentionCutoff(nowMs: number, months: number): number {
  const now = new Date(nowMs)
  const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1, now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(now.getUTCDate(), lastDay))
  return target.getTime()
}
