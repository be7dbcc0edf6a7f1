import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// CPU accounting of `npm run bench -- team` (bench/team.ts), from /proc (Linux).

/** Clock ticks of /proc (USER_HZ: 100 on Linux). */
const TICK_MS = 10

/**
 * CPU time (user + system, ms) so far of the PostgreSQL server's processes: the postmaster and
 * its children (backends, WAL writer, checkpointer…). 0 while the server is down.
 */
export function serverCpuMs(dataDir: string): number {
  let postmaster: number
  try {
    postmaster = Number(readFileSync(join(dataDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
  } catch {
    return 0
  }
  let ticks = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // After the command (in parentheses, may hold spaces): state, ppid, … utime (14th field), stime (15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // the process ended while we looked
    }
  }
  return ticks * TICK_MS
}

export interface MachineCpu {
  /** CPU time spent by every process and the kernel (user, nice, system, irq, softirq), ms. */
  busyMs: number
  /** Elapsed CPU capacity (busy + idle + iowait + steal, all cores), ms. */
  totalMs: number
}

/** The machine's CPU counters so far (the first line of /proc/stat). */
export function machineCpu(): MachineCpu {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number) as number[]
  const busy = user! + nice! + system! + irq! + softirq!
  return { busyMs: busy * TICK_MS, totalMs: (busy + idle! + iowait! + steal!) * TICK_MS }
}

/**
 * The share of the machine's CPU (0–1) used between `before` and now by anything but the
 * bench's own work (`benchMs`: its processes' CPU time over the same span): other programs.
 */
export function outsideShare(before: MachineCpu, benchMs: number): number {
  const now = machineCpu()
  const total = now.totalMs - before.totalMs
  return total > 0 ? Math.max(0, now.busyMs - before.busyMs - benchMs) / total : 0
}
