import type { TransportAnswer } from './types.ts'

// Answers from the network are read up to a fixed size, never more: a hostile or broken
// server sending hundreds of megabytes must not grow the process (or one history row). The
// rest of the body is not read: the stream is cancelled, which closes the connection.

/** The most of any response body (enrollment or token endpoint) that is read and kept. */
export const MAX_ANSWER_BYTES = 64 * 1024

/** Appended to a stored body that was cut at MAX_ANSWER_BYTES. */
export const TRUNCATED_MARKER = `\n[answer cut off: only its first ${MAX_ANSWER_BYTES / 1024} KiB were read and kept]`

export interface BoundedText {
  text: string
  truncated: boolean
}

/**
 * The body as UTF-8 text, at most `limit` bytes of it (a character split at the cut is
 * dropped). Throws what reading throws (timeout, connection lost) — the caller decides what
 * that means.
 */
export async function readBoundedText(response: TransportAnswer, limit = MAX_ANSWER_BYTES): Promise<BoundedText> {
  const body = response.body
  if (!body) return { text: '', truncated: false }
  const reader = body.getReader()
  const decoder = new TextDecoder('utf-8')
  let text = ''
  let size = 0
  let truncated = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      const room = limit - size
      if (value.byteLength > room) {
        text += decoder.decode(value.subarray(0, room), { stream: true })
        truncated = true
        break
      }
      size += value.byteLength
      text += decoder.decode(value, { stream: true })
    }
  } finally {
    // Not awaited: a server that stops sending must not hold the caller up after the cut.
    if (truncated) reader.cancel().catch(() => {})
    else reader.releaseLock()
  }
  // The end of a complete body flushes a dangling partial character as U+FFFD; a cut body
  // leaves it out (it was not received whole).
  if (!truncated) text += decoder.decode()
  return { text, truncated }
}

/** Cancels a body that will not be read at all (a redirect's), so its connection is freed. */
export function discardBody(response: TransportAnswer): void {
  response.body?.cancel().catch(() => {})
}

/** Redirects are never followed: a 3xx (or an opaque redirect from a manual-redirect fetch). */
export function isRedirect(response: TransportAnswer): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)
}
