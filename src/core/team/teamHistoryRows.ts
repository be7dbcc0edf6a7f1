import type { ApiError, AttemptRecord, AttemptSummary } from '../../shared/domain/attempt.ts'

// Team attempts rows (teamSchema.ts) ⇄ the domain types of the local history. node-postgres
// answers bigint columns as strings (they may exceed 2^53; ms times and ids do not) and json
// columns parsed. A team row's `id` is its team-wide id; `retryOf` the team id of the attempt it
// retried (same console); the console and local id go in `origin`.

/** Anything that runs a parameterised query: a pg Pool or PoolClient. */
export interface TeamQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

/** The retried attempt's team id: same console, local id = retry_of (primary key probe). */
const RETRY_ID = '(SELECT r.id FROM attempts r WHERE r.console_id = a.console_id AND r.local_id = a.retry_of) AS retry_id'

export const TEAM_SUMMARY_COLUMNS = [
  'a.id',
  'a.console_id',
  'a.local_id',
  'a.machine',
  'a.started_at',
  'a.finished_at',
  'a.environment',
  'a.channel',
  'a.operator',
  'a.payment_id',
  'a.phone',
  'a.transaction_ref',
  'a.outcome',
  'a.http_status',
  'a.duration_ms',
  'a.errors',
  RETRY_ID,
].join(', ')

export const TEAM_RECORD_COLUMNS = [
  TEAM_SUMMARY_COLUMNS,
  'a.base_url',
  'a.app_version',
  'a.client_id',
  'a.signature_method',
  'a.request_url',
  'a.request_headers',
  'a.request_body',
  'a.response_headers',
  'a.response_body',
  'a.failure_reason',
  'a.token_ms',
  'a.request_ms',
  'a.clock_offset_ms',
].join(', ')

export interface TeamRow {
  id: string
  console_id: string
  local_id: string
  machine: string
  started_at: string
  finished_at: string | null
  environment: string
  channel: string
  operator: string
  payment_id: string
  phone: string
  transaction_ref: string
  outcome: string
  http_status: number | null
  duration_ms: number | null
  errors: ApiError[]
  retry_id: string | null
  base_url?: string
  app_version?: string
  client_id?: string
  signature_method?: string
  request_url?: string
  request_headers?: Record<string, string>
  request_body?: string
  response_headers?: Record<string, string> | null
  response_body?: string | null
  failure_reason?: string | null
  token_ms?: number | null
  request_ms?: number | null
  clock_offset_ms?: number | null
}

const int = (value: string | number): number => Number(value)
const intOrNull = (value: string | number | null | undefined): number | null => (value === null || value === undefined ? null : Number(value))

export function toTeamSummary(row: TeamRow): AttemptSummary & { origin: NonNullable<AttemptSummary['origin']> } {
  return {
    id: int(row.id),
    startedAt: int(row.started_at),
    finishedAt: intOrNull(row.finished_at),
    environment: row.environment as AttemptSummary['environment'],
    channel: row.channel as AttemptSummary['channel'],
    operator: row.operator,
    paymentId: row.payment_id,
    phone: row.phone,
    transactionRef: row.transaction_ref,
    outcome: row.outcome as AttemptSummary['outcome'],
    httpStatus: row.http_status,
    durationMs: row.duration_ms,
    retryOf: intOrNull(row.retry_id),
    errorCodes: row.errors.map((e) => e.code),
    origin: { consoleId: row.console_id, machine: row.machine, localId: int(row.local_id) },
  }
}

/** A full record from a row read with TEAM_RECORD_COLUMNS. */
export function toTeamRecord(row: TeamRow): AttemptRecord {
  return {
    id: int(row.id),
    startedAt: int(row.started_at),
    finishedAt: intOrNull(row.finished_at),
    environment: row.environment as AttemptRecord['environment'],
    baseUrl: row.base_url as string,
    channel: row.channel as AttemptRecord['channel'],
    operator: row.operator,
    appVersion: row.app_version as string,
    clientId: row.client_id as string,
    paymentId: row.payment_id,
    phone: row.phone,
    transactionRef: row.transaction_ref,
    signatureMethod: row.signature_method as AttemptRecord['signatureMethod'],
    requestUrl: row.request_url as string,
    requestHeaders: row.request_headers ?? {},
    requestBody: row.request_body as string,
    httpStatus: row.http_status,
    responseHeaders: row.response_headers ?? null,
    responseBody: row.response_body ?? null,
    outcome: row.outcome as AttemptRecord['outcome'],
    errors: row.errors,
    failureReason: row.failure_reason ?? null,
    tokenMs: row.token_ms ?? null,
    requestMs: row.request_ms ?? null,
    durationMs: row.duration_ms,
    clockOffsetMs: row.clock_offset_ms ?? null,
    retryOf: intOrNull(row.retry_id),
  }
}
