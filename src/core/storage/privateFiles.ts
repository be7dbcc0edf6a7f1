import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'

// Data at rest is the operator's alone: the data folder (and its logs folder) 0700, every file
// the app writes 0600, on Linux and macOS. A mode given to open()/mkdir() is reduced by the
// umask but never widened, so files are created with these modes and existing ones (from an
// older version, or created by someone else's umask) are tightened with chmod. Windows keeps
// its ACLs (the folder is under the user's profile); chmod there only toggles read-only.

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600
const POSIX = process.platform !== 'win32'

/** Creates the folder (and missing parents) 0700 and tightens it if it already existed. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (POSIX) chmodSync(path, PRIVATE_DIR_MODE)
}

/** Creates the file empty with 0600 if it is missing, and tightens it if it exists. */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE))
  if (POSIX) chmodSync(path, PRIVATE_FILE_MODE)
}

/** Tightens files that exist; missing ones are skipped. */
export function tightenFiles(...paths: string[]): void {
  if (!POSIX) return
  for (const path of paths) if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE)
}
