import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import type { Pool, PoolConfig } from 'pg'
import type { TeamConnection } from './teamConfig.ts'

/*
 * A node-postgres pool for the team database. Every limit is explicit so that a stalled or
 * vanished server can never hang a caller: connect timeout, statement timeout (server side),
 * query timeout (client side, for a server that answers nothing at all), TCP keep-alive.
 * pg is loaded on first use (the CLI's light start-up and consoles without a team database
 * never load it).
 */

export interface TeamPoolOptions {
  /** Default 5 s. */
  connectTimeoutMs?: number
  /** Server- and client-side limit of one statement; default 15 s. */
  statementTimeoutMs?: number
  /** Default 4. */
  max?: number
  /** Shown in pg_stat_activity. */
  applicationName?: string
}

export function tlsOptions(connection: TeamConnection): false | ConnectionOptions {
  const { tlsMode, caFile } = connection.settings
  if (tlsMode === 'disable') return false
  if (tlsMode === 'require') return { rejectUnauthorized: false }
  if (caFile === null) throw new Error(`TLS mode ${tlsMode} needs the CA certificate file.`)
  const ca = readFileSync(caFile, 'utf8')
  // verify-ca: the chain must lead to the CA, the host name is not checked (libpq's meaning).
  return tlsMode === 'verify-full' ? { ca, rejectUnauthorized: true } : { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }
}

export function teamPoolConfig(connection: TeamConnection, options: TeamPoolOptions = {}): PoolConfig {
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000
  const { host, port, database, user } = connection.settings
  return {
    host,
    port,
    database,
    user,
    ...(connection.password === undefined ? {} : { password: connection.password }),
    ssl: tlsOptions(connection),
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 2_000,
    idle_in_transaction_session_timeout: statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: options.applicationName ?? 'otp-enrollment-console',
  }
}

/**
 * Opens a pool (no connection is made until the first query). An idle connection the server
 * drops emits 'error' on the pool; it is handled (the next query reconnects or fails with its
 * own error) so that it cannot crash the process.
 */
export async function openTeamPool(connection: TeamConnection, options: TeamPoolOptions = {}): Promise<Pool> {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool(teamPoolConfig(connection, options))
  pool.on('error', () => {})
  return pool
}

/** A plain-words description of a pg or network error (never carries the password). */
export function describeTeamError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeTeamError(error.errors[0])
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    const message = error.message || error.name
    return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message
  }
  return String(error)
}
