import type { AttemptRecord } from '../../../shared/domain/attempt.ts'

// Which request headers the detail view and the curl builder show. History stores only the
// non-secret ones; Authorization and Signature are shown as redacted placeholders, and are
// dropped here even if a stored record somehow carried them.

export const SECRET_HEADERS = ['authorization', 'signature'] as const

/** The order in which the enrollment request sends its headers. */
export const REQUEST_HEADER_ORDER = ['Content-Type', 'Authorization', 'Timestamp', 'Nonce', 'Signature', 'SignatureMethod', 'AuthKeyVersion'] as const

export const REDACTED_AUTHORIZATION = 'Bearer ••••• (redacted)'
export const REDACTED_SIGNATURE = '••••• (redacted)'

export interface HeaderRow {
  name: string
  value: string
  redacted: boolean
}

export function isSecretHeader(name: string): boolean {
  return (SECRET_HEADERS as readonly string[]).includes(name.trim().toLowerCase())
}

/** Case-insensitive lookup of a stored header. */
export function headerValue(headers: Record<string, string> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined
  const wanted = name.toLowerCase()
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v
  return undefined
}

/** Stored non-secret headers, secret-looking names removed. */
export function safeStoredHeaders(headers: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers ?? {})) if (!isSecretHeader(k)) out[k] = String(v)
  return out
}

/** Request headers as sent, with the two secret-bearing ones redacted. */
export function requestHeaderRows(record: Pick<AttemptRecord, 'requestHeaders'>): HeaderRow[] {
  const stored = safeStoredHeaders(record.requestHeaders)
  const rows: HeaderRow[] = []
  const used = new Set<string>()
  for (const name of REQUEST_HEADER_ORDER) {
    if (name === 'Authorization') rows.push({ name, value: REDACTED_AUTHORIZATION, redacted: true })
    else if (name === 'Signature') rows.push({ name, value: REDACTED_SIGNATURE, redacted: true })
    else {
      const value = headerValue(stored, name)
      rows.push({ name, value: value ?? '—', redacted: false })
    }
    used.add(name.toLowerCase())
  }
  for (const [k, v] of Object.entries(stored)) if (!used.has(k.toLowerCase())) rows.push({ name: k, value: v, redacted: false })
  return rows
}

/** Whether the request got as far as its headers being recorded (i.e. it was about to be sent). */
export function requestWasPrepared(record: Pick<AttemptRecord, 'requestHeaders'>): boolean {
  return Object.keys(record.requestHeaders ?? {}).length > 0
}

export function responseHeaderRows(headers: Record<string, string> | null | undefined): HeaderRow[] {
  return Object.entries(headers ?? {})
    .map(([name, value]) => ({ name, value: String(value), redacted: false }))
    .sort((a, b) => a.name.localeCompare(b.name))
}
