import { createWriteStream, fdatasync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { createBackgroundSync } from './backgroundSync.ts'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const noop = (): void => {}

/** Writes `chunk` and waits until it has reached the file descriptor. */
const written = (out: NodeJS.WritableStream, chunk: Buffer): Promise<void> => new Promise((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())))

describe('createBackgroundSync', () => {
  it('flushes the file once per `every` bytes written, one flush at a time, and settles before close', async () => {
    dir = mkdtempSync(join(tmpdir(), 'otp-sync-'))
    const path = join(dir, 'out.bin')
    const out = createWriteStream(path)
    const synced: number[] = []
    let started = 0
    let release: () => void = noop
    // The real fdatasync, watched, and held until released.
    const sync = (target: number, done: (error: NodeJS.ErrnoException | null) => void): void => {
      started++
      fdatasync(target, (error) => {
        release = () => {
          synced.push(target)
          done(error)
        }
      })
    }
    /** Waits for the real flush to come back, then lets the watched one finish. */
    const releaseWhenDone = async (): Promise<void> => {
      while (release === noop) await new Promise((resolve) => setTimeout(resolve, 1))
      const finish = release
      release = noop
      finish()
    }
    // Made right after the stream, as exportHistory does: it learns the descriptor from 'open'.
    const background = createBackgroundSync(out, { every: 1000, sync })
    const [fd] = (await once(out, 'open')) as [number]
    background.tick()
    expect(started).toBe(0) // nothing written yet
    await written(out, Buffer.alloc(999, 1))
    background.tick()
    expect(started).toBe(0) // under `every`
    await written(out, Buffer.alloc(1, 1))
    background.tick()
    expect(started).toBe(1)
    await written(out, Buffer.alloc(2500, 2))
    background.tick() // one still running: no second
    expect(started).toBe(1)
    await releaseWhenDone()
    await background.settle()
    expect(synced).toEqual([fd])
    background.tick() // 2500 more since the first: the next one
    expect(started).toBe(2)
    await releaseWhenDone()
    await background.settle()
    expect(synced).toEqual([fd, fd])
    // `every` more, then closed before any tick: the descriptor is gone, nothing to flush.
    await written(out, Buffer.alloc(1500, 3))
    out.end()
    await once(out, 'close')
    background.tick()
    expect(started).toBe(2)
    expect(readFileSync(path).length).toBe(5000)
  })
})
