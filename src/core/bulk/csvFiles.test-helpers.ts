import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Bulk file tests (not shipped code): files written into a fresh temp folder.

export interface TempFiles {
  dir: string
  /** Writes `content` (text as UTF-8, or bytes) to `name` in the folder; returns its path. */
  write(name: string, content: string | Uint8Array): string
  cleanup(): void
}

export function tempFiles(): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), 'otp-bulk-test-'))
  return {
    dir,
    write(name, content) {
      const path = join(dir, name)
      writeFileSync(path, content)
      return path
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A valid Nigerian mobile number for row `i` (0803 + 7 digits). */
export function phoneOf(i: number): string {
  return `0803${String(i % 10_000_000).padStart(7, '0')}`
}
