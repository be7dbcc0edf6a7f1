import { openSync, closeSync, readSync, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'

// The CA file of a verify-ca / verify-full team connection. Main picks it in its own open
// dialog, and checks it again whenever a path comes back from the window (saved or tested):
// an absolute path to a readable regular file, small, holding a PEM certificate. Nothing but
// this check reads the file here; the pool reads it when it connects.

/** A CA bundle is a few KiB; anything this large is not one. */
export const MAX_CA_FILE_BYTES = 1024 * 1024
const PEM_MARK = '-----BEGIN CERTIFICATE-----'

/** Why `path` cannot be the CA file, or null when it can. */
export function caFileProblem(path: string): string | null {
  if (!isAbsolute(path)) return 'Choose the CA file with “Choose CA file…” (a full path is needed).'
  let size: number
  try {
    const stat = statSync(path)
    if (!stat.isFile()) return `${path} is not a file.`
    size = stat.size
  } catch {
    return `${path} does not exist or cannot be read.`
  }
  if (size === 0 || size > MAX_CA_FILE_BYTES) return `${path} is not a CA certificate file (PEM, at most 1 MiB).`
  let head: string
  try {
    const fd = openSync(path, 'r')
    try {
      const buffer = Buffer.alloc(Math.min(size, 64 * 1024))
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('latin1')
    } finally {
      closeSync(fd)
    }
  } catch {
    return `${path} cannot be read by the console.`
  }
  return head.includes(PEM_MARK) ? null : `${path} holds no PEM certificate (${PEM_MARK}).`
}
