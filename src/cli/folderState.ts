import { statSync } from 'node:fs'

/** What is at `path`: a folder, nothing, or something else (a file). */
export function folderState(path: string): 'folder' | 'missing' | 'not-a-folder' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'not-a-folder'
  } catch {
    return 'missing'
  }
}
