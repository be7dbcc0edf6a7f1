import type { OtpBridge } from '../../../shared/ipc/contract.ts'
import type { Result } from '../../../shared/domain/result.ts'

// The ONLY module that touches `window.otp`. Everything else imports `otp()` from here, so a
// test can install a fake bridge and a missing preload turns into one clear error screen.
// Calls never throw: a rejected promise or a malformed answer becomes an `internal` error.

let installed: OtpBridge | null = null

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  const v = value as { ok: unknown; error?: unknown }
  if (v.ok === true) return 'value' in v
  return v.ok === false && typeof v.error === 'object' && v.error !== null
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Wraps every method so that it resolves to an Result whatever happens underneath. */
export function wrapBridge(raw: OtpBridge): OtpBridge {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(raw)) {
    const fn = (raw as unknown as Record<string, unknown>)[key]
    if (typeof fn !== 'function') continue
    if (key === 'onExportProgress' || key === 'onBulkProgress') {
      out[key] = (listener: unknown) => {
        try {
          const off = (fn as (l: unknown) => unknown)(listener)
          return typeof off === 'function' ? off : () => {}
        } catch {
          return () => {}
        }
      }
      continue
    }
    out[key] = async (request?: unknown): Promise<Result<unknown>> => {
      try {
        const answer: unknown = await (fn as (r?: unknown) => Promise<unknown>)(request)
        if (isResult(answer)) return answer
        return { ok: false, error: { code: 'internal', message: `The main process gave an unexpected answer to ${key}.` } }
      } catch (err) {
        return { ok: false, error: { code: 'internal', message: `Could not reach the main process (${key}): ${messageOf(err)}` } }
      }
    }
  }
  return Object.freeze(out) as unknown as OtpBridge
}

/** Looks for the preload's bridge; null when the console was opened without it. */
export function detectBridge(): OtpBridge | null {
  if (installed) return installed
  const raw = typeof window !== 'undefined' ? window.otp : undefined
  if (!raw || typeof raw !== 'object' || typeof raw.getEnvironments !== 'function') return null
  installed = wrapBridge(raw)
  return installed
}

/** For tests: use this bridge (wrapped like the real one); null forgets it. */
export function installBridge(raw: OtpBridge | null): void {
  installed = raw ? wrapBridge(raw) : null
}

/** The bridge; the app is not mounted without one, so this throws only on a programming error. */
export function otp(): OtpBridge {
  const b = detectBridge()
  if (!b) throw new Error('window.otp is not available')
  return b
}
