// The one rule for dates in history filters, shared by the History view (its date pickers and
// "Today"/"7 days" presets) and the CLI (`--since`/`--until`):
// - a calendar date `YYYY-MM-DD` means local midnight in this machine's time zone;
// - an end date is included whole: the bound is the next day's local midnight (exclusive);
// - a date and time with an explicit offset (`Z`, `+01:00`) is that instant, one without an
//   offset is local time (as Date.parse reads it).
// HistoryFilter.from is inclusive and HistoryFilter.to exclusive, both ms since epoch.

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** `[year, month (1-12), day]` of a real calendar date `YYYY-MM-DD`, or null. */
function calendarParts(value: string): [number, number, number] | null {
  const match = CALENDAR_DATE.exec(value)
  if (!match) return null
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(y, m - 1, d)
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? [y, m, d] : null
}

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  return calendarParts(value) !== null
}

/** Local midnight `daysBack` days before the local day that contains `ms`. */
export function startOfLocalDay(ms: number, daysBack = 0): number {
  const d = new Date(ms)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - daysBack).getTime()
}

/** Inclusive lower bound for a start date or date-time; undefined when it is neither. */
export function rangeStartMs(value: string): number | undefined {
  const parts = calendarParts(value)
  if (parts) return new Date(parts[0], parts[1] - 1, parts[2]).getTime()
  return dateTimeMs(value)
}

/** Exclusive upper bound for an end date (the whole day included) or date-time; undefined when it is neither. */
export function rangeEndMs(value: string): number | undefined {
  const parts = calendarParts(value)
  if (parts) return new Date(parts[0], parts[1] - 1, parts[2] + 1).getTime()
  return dateTimeMs(value)
}

function dateTimeMs(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}
