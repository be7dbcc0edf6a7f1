// Core services and IPC handlers answer with a Result rather than throwing: Electron flattens
// thrown errors into strings, and callers (renderer, CLI) need a code to decide what to show.
// A cancellation the operator asked for is not an error: it is a value (e.g. ExportResult's
// `{ cancelled: true }`).

export const ERROR_CODES = [
  'invalid-input', // payload failed its schema or a field is invalid (see `fields`)
  'forbidden', // call from a frame that is not the app's own
  'keychain-unavailable', // no OS keychain (Secret Service, Keychain, Credential Manager)
  'missing-credentials', // no client id/secret stored for the environment
  'destination-changed', // the environment's URLs no longer match the origins its credentials were entered for
  'confirmation-required', // Production send or risky retry without the deliberate confirmation
  'busy', // an enrollment is already in flight
  'not-found',
  'bad-file', // a bulk CSV file refused as a whole (encoding, header, columns, size): the message says why
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface AppError {
  code: ErrorCode
  message: string
  /** Per-field messages for form validation. */
  fields?: Record<string, string>
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail(code: ErrorCode, message: string, fields?: Record<string, string>): Result<never> {
  return fields ? { ok: false, error: { code, message, fields } } : { ok: false, error: { code, message } }
}
