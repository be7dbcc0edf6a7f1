import { rangeEndMs, rangeStartMs } from '../shared/domain/dateRange.ts'
import { historyFilterSchema, type HistoryFilter } from '../shared/domain/historyFilter.ts'
import { UsageError } from './args.ts'

/** Flags shared by `history` and `export`, with the same meaning as the History view's filters. */
export const filterOptions = {
  outcome: { type: 'string' },
  code: { type: 'string' },
  env: { type: 'string' },
  operator: { type: 'string' },
  search: { type: 'string' },
  'payment-id': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  sort: { type: 'string' },
} as const

/** The History view's date rule (shared/domain/dateRange.ts): a date is local midnight, `--until`'s day is included whole. */
function boundMs(value: string, flag: 'since' | 'until'): number {
  const ms = flag === 'since' ? rangeStartMs(value.trim()) : rangeEndMs(value.trim())
  if (ms === undefined) throw new UsageError(`--${flag} takes a date or an ISO date and time, e.g. 2026-11-01 or 2026-11-01T08:00:00Z (got "${value}").`)
  return ms
}

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((v) => v.trim()).filter(Boolean))

export function toFilter(values: Partial<Record<keyof typeof filterOptions, string | undefined>>): HistoryFilter {
  const raw = {
    outcome: list(values.outcome),
    code: values.code,
    environment: list(values.env),
    operator: values.operator,
    search: values.search,
    paymentId: values['payment-id'],
    from: values.since === undefined ? undefined : boundMs(values.since, 'since'),
    to: values.until === undefined ? undefined : boundMs(values.until, 'until'),
    sort: values.sort,
  }
  const parsed = historyFilterSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`Invalid filter ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not valid'}`)
  }
  return parsed.data
}
