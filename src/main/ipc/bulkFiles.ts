import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'

/**
 * The files the operator picked in main's open dialog this session. The window refers to a
 * file by the id given here, never by its path: a page can only use a file the operator chose.
 */
export function createPickedFiles(limit = 32) {
  const files = new Map<string, { path: string; name: string; previewedSha256?: string }>()
  return {
    add(path: string): { fileId: string; name: string } {
      const fileId = randomUUID()
      const name = basename(path)
      files.set(fileId, { path, name })
      // The oldest picks are forgotten: a session picks a few files, not thousands.
      while (files.size > limit) files.delete(files.keys().next().value as string)
      return { fileId, name }
    },
    path(fileId: string): string | undefined {
      return files.get(fileId)?.path
    },
    /** The bytes the operator last saw previewed: a run of a file changed since is refused. */
    previewed(fileId: string, sha256: string): void {
      const file = files.get(fileId)
      if (file) file.previewedSha256 = sha256
    },
    previewedSha256(fileId: string): string | undefined {
      return files.get(fileId)?.previewedSha256
    },
  }
}

export type PickedFiles = ReturnType<typeof createPickedFiles>
