import { fdatasync } from 'node:fs'
import type { WriteStream } from 'node:fs'

// An export file is flushed to disk before it is renamed into place (createWriteStream's
// `flush`), so a finished export survives a power cut. Left to the end, that flush waits for
// the whole file — at a million records, 1.4 GB the kernel has not yet written (its
// background writeback starts at 10% of memory dirty). Flushing every SYNC_BYTES while the
// export runs lets the disk work alongside the encoding, on libuv's thread pool, and leaves
// the final flush little to do.

/** Bytes written between two background flushes. */
export const SYNC_BYTES = 32 * 1024 * 1024

export interface BackgroundSync {
  /** Starts a flush if SYNC_BYTES more have been written since the last one and none is running. */
  tick(): void
  /** Waits for a running flush (call before ending the stream, so its descriptor is not closed under it). */
  settle(): Promise<void>
}

export interface BackgroundSyncOptions {
  /** Bytes between flushes (SYNC_BYTES). */
  every?: number
  /** fs.fdatasync (tests watch it). */
  sync?: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void
}

/** Call right after createWriteStream: the descriptor is learnt from its 'open' event. */
export function createBackgroundSync(file: WriteStream, options: BackgroundSyncOptions = {}): BackgroundSync {
  const every = options.every ?? SYNC_BYTES
  const sync = options.sync ?? fdatasync
  let running: Promise<void> | undefined
  let syncedUpTo = 0
  let fd: number | undefined
  file.once('open', (opened: number) => (fd = opened))
  file.once('close', () => (fd = undefined))
  return {
    tick() {
      if (running !== undefined || fd === undefined || file.bytesWritten - syncedUpTo < every) return
      syncedUpTo = file.bytesWritten
      // An error here is not the export's: the final flush at close reports any that matters.
      const open = fd
      running = new Promise<void>((resolve) => sync(open, () => resolve())).then(() => {
        running = undefined
      })
    },
    async settle() {
      await running
    },
  }
}
