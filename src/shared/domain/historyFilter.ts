import { z } from 'zod'
import { ENVIRONMENT_IDS } from './environments.ts'
import { HISTORY_SORTS } from './historySort.ts'
import { OUTCOMES } from './outcome.ts'

// One filter shape for the History view (kept in the route's query string), the CLI's
// `history`/`export` flags and the store's query module.

// Every array and string is bounded (IPC limits): an array at most one entry per value, a
// payment id at most 19 digits (a 64-bit id), as the precheck's.
export const historyFilterSchema = z.object({
  outcome: z.array(z.enum(OUTCOMES)).max(OUTCOMES.length).optional(),
  code: z.string().trim().min(1).max(16).optional(),
  environment: z.array(z.enum(ENVIRONMENT_IDS)).max(ENVIRONMENT_IDS.length).optional(),
  operator: z.string().trim().min(1).max(128).optional(),
  /** Inclusive lower bound, ms since epoch. */
  from: z.number().int().nonnegative().optional(),
  /** Exclusive upper bound, ms since epoch. */
  to: z.number().int().nonnegative().optional(),
  /** Free text: payment id, reference, or phone digits (local `0803…` form allowed). */
  search: z.string().trim().min(1).max(64).optional(),
  paymentId: z.string().max(19).regex(/^\d{1,19}$/).optional(),
  sort: z.enum(HISTORY_SORTS).optional(),
  /** Only the attempts of this bulk run (issue 12). */
  runId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
})
export type HistoryFilter = z.infer<typeof historyFilterSchema>

/** Opaque keyset cursor: paging stays free of gaps and repeats while new attempts arrive. */
export const historyCursorSchema = z.string().max(200)

export const historyPageRequestSchema = z.object({
  filter: historyFilterSchema,
  cursor: historyCursorSchema.optional(),
  limit: z.number().int().min(1).max(500).default(100),
})
export type HistoryPageRequest = z.input<typeof historyPageRequestSchema>
