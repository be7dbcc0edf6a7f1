import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRandomDatabase, startPgCluster, TEST_ROLE } from './pgCluster.ts'

/*
 * One PostgreSQL cluster per `vitest run`, started by the first test file that asks for it
 * (others wait for it), stopped by the global set-up's teardown (pgCluster.globalSetup.ts).
 * Test files never share a database: each makes its own with createDatabase(). Tests that
 * kill or stall the server start a cluster of their own with startPgCluster().
 *
 * The rendezvous is a folder the global set-up creates (OTP_TEST_PG_DIR): `lock` is created
 * with mkdir (atomic) by the one process that starts the cluster, which then writes
 * `cluster.json` ({ port, dataDir }) or `error.txt`.
 */

export const SHARED_DIR_ENV = 'OTP_TEST_PG_DIR'
export const CLUSTER_FILE = 'cluster.json'
const WAIT_MS = 120_000

export interface SharedPgServer {
  port: number
  dataDir: string
  url(database?: string): string
  createDatabase(prefix?: string): Promise<string>
}

let cached: Promise<SharedPgServer> | undefined

function serverAt(port: number, dataDir: string): SharedPgServer {
  const url = (database = 'postgres') => `postgres://${TEST_ROLE}@127.0.0.1:${port}/${database}`
  return { port, dataDir, url, createDatabase: (prefix) => createRandomDatabase(url(), prefix) }
}

async function startOrJoin(): Promise<SharedPgServer> {
  const dir = process.env[SHARED_DIR_ENV]
  if (!dir) throw new Error(`${SHARED_DIR_ENV} is not set: run the tests through vitest (its global set-up src/core/team/testing/pgCluster.globalSetup.ts sets it).`)
  let mine = false
  try {
    mkdirSync(join(dir, 'lock'))
    mine = true
  } catch {
    // another test file is starting it
  }
  if (mine) {
    try {
      const cluster = await startPgCluster()
      writeFileSync(join(dir, CLUSTER_FILE), JSON.stringify({ port: cluster.port, dataDir: cluster.dataDir }))
      return serverAt(cluster.port, cluster.dataDir)
    } catch (error) {
      writeFileSync(join(dir, 'error.txt'), error instanceof Error ? error.message : String(error))
      throw error
    }
  }
  const until = Date.now() + WAIT_MS
  while (Date.now() < until) {
    if (existsSync(join(dir, 'error.txt'))) throw new Error(`The shared PostgreSQL test cluster did not start: ${readFileSync(join(dir, 'error.txt'), 'utf8')}`)
    if (existsSync(join(dir, CLUSTER_FILE))) {
      const { port, dataDir } = JSON.parse(readFileSync(join(dir, CLUSTER_FILE), 'utf8')) as { port: number; dataDir: string }
      return serverAt(port, dataDir)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('Timed out waiting for the shared PostgreSQL test cluster.')
}

/** The run's shared cluster, started on first use. */
export function sharedPgServer(): Promise<SharedPgServer> {
  return (cached ??= startOrJoin())
}

/** A fresh database on the shared cluster: its URL (superuser, trust auth on loopback). */
export async function freshTestDatabase(prefix = 'otp'): Promise<string> {
  const server = await sharedPgServer()
  return server.url(await server.createDatabase(prefix))
}
