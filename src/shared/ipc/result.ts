// Every IPC handler answers with a Result rather than throwing: Electron flattens thrown
// errors into strings, and the renderer needs a code to decide what to show.

export const IPC_ERROR_CODES = [
  'invalid-input', // payload failed its schema or a field is invalid (see `fields`)
  'forbidden', // call from a frame that is not the app's own
  'keychain-unavailable', // no OS keychain (Secret Service, Keychain, Credential Manager)
  'missing-credentials', // no client id/secret stored for the environment
  'confirmation-required', // Production send or risky retry without the deliberate confirmation
  'busy', // an enrollment is already in flight
  'not-found',
  'cancelled',
  'internal',
] as const
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number]

export interface IpcError {
  code: IpcErrorCode
  message: string
  /** Per-field messages for form validation. */
  fields?: Record<string, string>
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError }

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value }
}

export function fail(code: IpcErrorCode, message: string, fields?: Record<string, string>): IpcResult<never> {
  return fields ? { ok: false, error: { code, message, fields } } : { ok: false, error: { code, message } }
}
