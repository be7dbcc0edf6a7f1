import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFiles } from '../storage/privateFiles.ts'

/**
 * The training server's memory of enrolled payment ids, kept in the data folder so that a
 * second enrollment is refused (10403) across restarts and between the console and the CLI,
 * just as history remembers it.
 */
export function createFileEnrolledStore(path: string) {
  const read = (): Set<string> => {
    if (!existsSync(path)) return new Set()
    try {
      const ids: unknown = JSON.parse(readFileSync(path, 'utf8'))
      return new Set(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [])
    } catch {
      return new Set()
    }
  }
  return {
    has: (id: string) => read().has(id),
    add(id: string) {
      const ids = read()
      ids.add(id)
      ensurePrivateDir(dirname(path))
      writeFileSync(`${path}.tmp`, JSON.stringify([...ids]), { mode: PRIVATE_FILE_MODE })
      renameSync(`${path}.tmp`, path)
      tightenFiles(path) // a .tmp left wider by an older version keeps its mode through writeFile
    },
  }
}
