import type { Writable } from 'node:stream'

// Backpressure-aware writing shared by every export format: a cancel (AbortSignal) or a
// failed/closed stream ends the wait instead of hanging it.

export function abortError(signal?: AbortSignal): Error {
  const error = new Error('Export cancelled', { cause: signal?.reason })
  error.name = 'AbortError'
  return error
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal)
}

/** Writes `chunk`; if the stream is full, waits for 'drain' (or fails on error/close/abort). */
export async function write(out: Writable, chunk: string | Uint8Array, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal)
  if (out.destroyed) throw (out.errored as Error | null) ?? new Error('The export stream was closed.')
  if (out.write(chunk)) {
    // Let I/O callbacks and a cancel request in between batches even when the stream never fills.
    await new Promise<void>((resolve) => setImmediate(resolve))
    throwIfAborted(signal)
    return
  }
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      out.off('drain', onDrain)
      out.off('error', onError)
      out.off('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const onDrain = (): void => (cleanup(), resolve())
    const onError = (error: Error): void => (cleanup(), reject(error))
    const onClose = (): void => (cleanup(), reject((out.errored as Error | null) ?? new Error('The export stream was closed.')))
    const onAbort = (): void => (cleanup(), reject(abortError(signal)))
    out.on('drain', onDrain)
    out.on('error', onError)
    out.on('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}
