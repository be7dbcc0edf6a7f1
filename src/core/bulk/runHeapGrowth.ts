import { setFlagsFromString } from 'node:v8'

// While this process stores or drives bulk runs, V8 grows its old generation by at most
// RUN_HEAP_GROWING_PERCENT over what the last full GC left alive, and by its own choice again
// once no run is active. A run allocates fast (requests, answers, rows written) and keeps
// little (~20-30 MB live): V8's own growing factor (up to 4× at that allocation rate) let the
// old generation commit ~80 MB of a 20,000-row run's heap between full GCs, and that garbage
// held native memory too (~60 MB of RSS outside the heap), which the 100,000-row figure (≤ 200
// MB) could not carry. 1.5× costs a few more full GCs, each short at that live size; the
// throughput measured the same (bench/bulk.ts). V8 reads the flag at each heap-limit
// computation, so setting it at run time takes effect from the next full GC.

export const RUN_HEAP_GROWING_PERCENT = 50

/** `--heap-growing-percent` given to this process (command line or NODE_OPTIONS): then it is left as it is. */
export function setByOperator(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): boolean {
  return [...execArgv, nodeOptions].some((arg) => arg.includes('--heap-growing-percent'))
}

export function createRunHeapGrowth(setFlags: (flags: string) => void = setFlagsFromString, fixed: boolean = setByOperator()) {
  let held = false
  return {
    /** Call whenever the number of runs this process drives changes. */
    update(activeRuns: number): void {
      if (fixed) return
      if (activeRuns > 0 && !held) {
        setFlags(`--heap-growing-percent=${RUN_HEAP_GROWING_PERCENT}`)
        held = true
      } else if (activeRuns === 0 && held) {
        setFlags('--heap-growing-percent=0') // 0: V8 chooses (its default)
        held = false
      }
    },
  }
}
