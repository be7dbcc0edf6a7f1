import { z } from 'zod'

// The team database (issue 14): where it is, how its connection is secured, and what the
// replicator reports. The password is never part of these: it lives in the OS keychain (or
// PGPASSWORD for the CLI) and stays in the main process.

/** libpq's sslmode values the console supports (verify-full needs a CA file). */
export const TEAM_TLS_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const
export type TeamTlsMode = (typeof TEAM_TLS_MODES)[number]
export function isTeamTlsMode(value: unknown): value is TeamTlsMode {
  return typeof value === 'string' && (TEAM_TLS_MODES as readonly string[]).includes(value)
}

export interface TeamSettings {
  host: string
  port: number
  database: string
  user: string
  tlsMode: TeamTlsMode
  /** PEM file of the CA that signed the server's certificate (verify-ca, verify-full). */
  caFile: string | null
}

export const DEFAULT_TEAM_PORT = 5432

/** One rule for host/port/database/user/TLS, used by the settings file, IPC and the env URL. */
export const teamSettingsSchema = z
  .object({
    host: z.string().trim().min(1).max(255).regex(/^[^\s/?#@]+$/, 'A host name or address, without scheme or path.'),
    port: z.number().int().min(1).max(65535),
    database: z.string().min(1).max(63),
    user: z.string().min(1).max(63),
    tlsMode: z.enum(TEAM_TLS_MODES),
    caFile: z.string().min(1).max(4096).nullable(),
  })
  .refine((s) => !(s.tlsMode === 'verify-ca' || s.tlsMode === 'verify-full') || s.caFile !== null, {
    message: 'verify-ca and verify-full need the CA certificate file.',
    path: ['caFile'],
  })

/** Where the team connection in force comes from. */
export type TeamConfigSource = 'settings' | 'env'

/**
 * The replicator's state. `up-to-date`: nothing waits; `waiting`: N rows wait and the last
 * contact worked; `unreachable`: the last attempt failed (since = first failure, ms epoch);
 * `off`: no team database configured.
 */
export type TeamStatus =
  | { state: 'off' }
  | {
      state: 'up-to-date' | 'waiting' | 'unreachable'
      /** Attempts and audit entries not yet shipped. */
      pending: number
      /** When the last batch was accepted by the team database (ms epoch), null before any. */
      lastShippedAt: number | null
      /** First failure of the current outage (ms epoch), null when reachable. */
      unreachableSince: number | null
      /** The last error in plain words (no password, no URL with credentials). */
      lastError: string | null
      consoleId: string
      target: string
    }

/** What "Test connection" found (no password, no URL with credentials in it). */
export type TeamConnectionTest =
  | {
      ok: true
      /** e.g. "PostgreSQL 15.8" */
      serverVersion: string
      /** Schema version found in the database (0: none yet) and the one this console needs. */
      schemaVersion: number
      schemaNeeded: number
      /** Whether the role may create the tables (otherwise a DBA runs docs/team-schema.sql). */
      mayMigrate: boolean
      /** TLS in use on the connection. */
      tls: boolean
    }
  | { ok: false; message: string }
