import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../storage/privateFiles.ts'

// Which attempts are being sent right now by ANY process on this data folder, so that the
// console shows an attempt the CLI is sending as in flight, not unknown. Each process keeps one
// file, `<pid>.json`, listing the ids it has begun and not completed. A file whose process is
// gone is ignored (and removed): that process's unfinished rows are then truly unknown.
// (A reused pid could keep a dead process's rows "in flight" until that pid exits; rare, and it
// only delays the unknown mark — it never sends anything.)

export interface InFlightRegistry {
  add(id: number): void
  remove(id: number): void
  /** Of these unfinished attempt ids, those another live process is sending. */
  heldByOthers(ids: readonly number[]): Set<number>
  /**
   * Runs `work` with the list written once at its end rather than at each add/remove (a bulk
   * run's batch) — or, when the last write is under BATCH_SAVE_EVERY_MS old, that much later.
   */
  batch<T>(work: () => T): T
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // alive, someone else's
  }
}

/**
 * A batch's list is written at most this often: a bulk run ends a batch every few ms, and a
 * write (temp file + rename) per batch cost it ~7 % of its time. A list due sooner is written
 * by a timer. Meanwhile another process may show an attempt just begun as unknown rather than
 * in flight, or one just completed as in flight (only unfinished rows are looked up) — for a
 * fraction of a second; nothing is ever sent or skipped on the strength of this list.
 */
export const BATCH_SAVE_EVERY_MS = 250

export function createInFlightRegistry(dir: string, options: { pid?: number; isAlive?: (pid: number) => boolean; now?: () => number } = {}): InFlightRegistry {
  const pid = options.pid ?? process.pid
  const isAlive = options.isAlive ?? isProcessAlive
  const now = options.now ?? (() => performance.now())
  const own = new Set<number>()
  const file = join(dir, `${pid}.json`)

  let batching = false
  let dirty = false
  let savedAt = Number.NEGATIVE_INFINITY
  let timer: NodeJS.Timeout | undefined
  function save(): void {
    if (batching) {
      dirty = true
      return
    }
    clearTimeout(timer)
    timer = undefined
    savedAt = now()
    if (own.size === 0) return rmSync(file, { force: true })
    ensurePrivateDir(dir)
    const temp = `${file}.tmp`
    writeFileSync(temp, JSON.stringify([...own]), { mode: PRIVATE_FILE_MODE })
    renameSync(temp, file) // readers never see half a list
  }
  /** At the end of a batch: now, or by a timer once BATCH_SAVE_EVERY_MS have passed since the last write. */
  function saveSoon(): void {
    const wait = savedAt + BATCH_SAVE_EVERY_MS - now()
    if (wait <= 0) return save()
    // unref: a process that ends first leaves a list naming itself, which readers drop once it is gone.
    timer ??= setTimeout(save, wait).unref()
  }

  function idsOf(name: string): number[] {
    try {
      const ids: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'))
      return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : []
    } catch {
      return [] // being replaced, or not ours: nothing to say
    }
  }

  return {
    add(id) {
      own.add(id)
      save()
    },
    remove(id) {
      if (own.delete(id)) save()
    },
    batch(work) {
      if (batching) return work()
      batching = true
      dirty = false
      try {
        return work()
      } finally {
        batching = false
        if (dirty) saveSoon()
      }
    },
    heldByOthers(ids) {
      const held = new Set<number>()
      if (ids.length === 0) return held
      let names: string[]
      try {
        names = readdirSync(dir)
      } catch {
        return held // no process has sent anything yet
      }
      const wanted = new Set(ids)
      for (const name of names) {
        const match = /^(\d+)\.json$/.exec(name)
        if (!match || Number(match[1]) === pid) continue
        if (!isAlive(Number(match[1]))) {
          rmSync(join(dir, name), { force: true })
          continue
        }
        for (const id of idsOf(name)) if (wanted.has(id)) held.add(id)
      }
      return held
    },
  }
}
