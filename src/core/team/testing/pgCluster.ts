import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/*
 * A throwaway PostgreSQL cluster for tests, benches and E2E: initdb in a temporary folder,
 * a server on 127.0.0.1 on a free port (never a fixed one: other test runs share the machine),
 * trust authentication for the superuser TEST_ROLE on loopback only. It can be killed (SIGKILL
 * to the postmaster and its children, a crash) and started again on the same port.
 *
 * PostgreSQL refuses to run as root: as root, every server command runs as the `postgres` user
 * (runuser) in a folder that user owns. The binaries come from PATH or Debian's
 * /usr/lib/postgresql/<n>/bin. Missing binaries are an error with the fix, never a skip.
 */

export const TEST_ROLE = 'otp_test'

export interface PgCluster {
  readonly host: string
  readonly port: number
  readonly dataDir: string
  /** postgres://otp_test@127.0.0.1:<port>/<database> */
  url(database?: string): string
  /** Creates a database with a random name (prefix + hex) and answers its name. */
  createDatabase(prefix?: string): Promise<string>
  /** SIGKILL to the server and every backend: what a crash of the database host looks like. */
  kill(): void
  /** Clean shutdown (pg_ctl stop -m fast). */
  stop(): void
  /** Starts the server again on the same port (after kill or stop). */
  start(): void
  running(): boolean
  /** Stops the server and removes its folder. */
  destroy(): void
}

export interface PgClusterOptions {
  /** fsync on (power-loss safe); off by default: tests never survive a power cut anyway. */
  durable?: boolean
}

const MISSING =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian: apt-get install postgresql; .ci/run does it) — the team tests need a real server and do not skip.'

function findBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir
  }
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0]) return join(debian, versions[0], 'bin')
  }
  throw new Error(MISSING)
}

const isRoot = () => process.getuid?.() === 0

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

/** Runs a server binary, as `postgres` when we are root; throws with its output on failure. */
function runServerTool(binDir: string, tool: string, args: string[]): void {
  const command = isRoot() ? 'runuser' : join(binDir, tool)
  const fullArgs = isRoot() ? ['-u', 'postgres', '--', join(binDir, tool), ...args] : args
  const result = spawnSync(command, fullArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() })
  if (result.status !== 0) {
    throw new Error(`${tool} ${args[0] ?? ''} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout || result.error?.message}`)
  }
}

/** CREATE DATABASE <prefix>_<random hex> through `adminUrl`; answers the name. */
export async function createRandomDatabase(adminUrl: string, prefix = 'otp'): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) throw new RangeError(`A database prefix is lower-case letters, digits and _, not ${prefix}.`)
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  return name
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** The pids of `pid`'s children (Linux /proc). */
function childPids(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Field 4 is the parent pid; the command (field 2) is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) children.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return children
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const binDir = findBinDir()
  const dataDir = mkdtempSync(join(tmpdir(), 'otp-pg-'))
  if (isRoot()) {
    const { uid, gid } = postgresIds()
    chownSync(dataDir, uid, gid)
  }
  const pgData = join(dataDir, 'data')
  runServerTool(binDir, 'initdb', ['-D', pgData, '-U', TEST_ROLE, '--auth=trust', '-E', 'UTF8', '--locale=C', '-N'])
  const port = await freePort()
  const host = '127.0.0.1'
  const settings = [
    `-p ${port}`,
    `-k ${dataDir}`,
    `-c listen_addresses=${host}`,
    '-c max_connections=200',
    // fsync off survives a killed server (the OS keeps the writes), not a power cut. Commits stay
    // synchronous: with synchronous_commit=off a SIGKILL loses transactions already committed.
    ...(options.durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
  ].join(' ')

  function postmasterPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0])
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined
    } catch {
      return undefined
    }
  }

  const cluster: PgCluster = {
    host,
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://${TEST_ROLE}@${host}:${port}/${database}`,
    createDatabase: (prefix) => createRandomDatabase(cluster.url(), prefix),
    start() {
      runServerTool(binDir, 'pg_ctl', ['start', '-w', '-t', '60', '-D', pgData, '-l', join(dataDir, 'server.log'), '-o', settings])
    },
    stop() {
      if (postmasterPid() !== undefined) runServerTool(binDir, 'pg_ctl', ['stop', '-w', '-m', 'fast', '-D', pgData])
    },
    kill() {
      const pid = postmasterPid()
      if (pid === undefined) return
      const children = childPids(pid)
      process.kill(pid, 'SIGKILL')
      for (const child of children) {
        try {
          process.kill(child, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      // Wait (briefly) for every process to be gone, so a restart finds no shared memory in use.
      const until = Date.now() + 10_000
      while ([pid, ...children].some(alive) && Date.now() < until) spawnSync('sleep', ['0.05'])
    },
    running: () => postmasterPid() !== undefined,
    destroy() {
      try {
        cluster.stop()
      } catch {
        cluster.kill()
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  cluster.start()
  return cluster
}
