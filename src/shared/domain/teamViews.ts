import type { AttemptSummary } from './attempt.ts'
import type { EnrollPrecheck } from './historyViews.ts'

// What the console's window sees of the team workspace (issue 14): the team connection without
// its password, the replicator's status, team history rows and the team side of the duplicate
// warning. The window never sees the password, a connection string with one, or the CA file's
// contents.

/** Which history a query reads: this computer's SQLite file, or every console's in PostgreSQL. */
export const HISTORY_SCOPES = ['local', 'team'] as const
export type HistoryScope = (typeof HISTORY_SCOPES)[number]

export function isHistoryScope(value: unknown): value is HistoryScope {
  return (HISTORY_SCOPES as readonly unknown[]).includes(value)
}

/** The PostgreSQL TLS modes offered (libpq's `sslmode` names); verify-full needs a CA file. */
export const TEAM_TLS_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const
export type TeamTlsMode = (typeof TEAM_TLS_MODES)[number]

export const TEAM_TLS_LABELS: Record<TeamTlsMode, string> = {
  disable: 'No TLS (this computer or a trusted network only)',
  require: 'TLS, server not verified',
  'verify-ca': 'TLS, server certificate checked against the CA file',
  'verify-full': 'TLS, certificate and host name checked (verify-full)',
}

/** A team connection as the window edits it: no password (that goes to the keychain alone). */
export interface TeamConnection {
  host: string
  port: number
  database: string
  user: string
  tlsMode: TeamTlsMode
  /** Absolute path of the CA certificate (PEM) for verify-ca / verify-full, chosen in main. */
  caFile: string | null
}

export interface TeamSettingsView {
  /** null: no team database (the console works alone, as before). */
  connection: TeamConnection | null
  /** `environment`: set by OTP_CONSOLE_TEAM_DB for this process; Settings cannot change it. */
  source: 'settings' | 'environment' | null
  /** Whether the keychain holds a team password (its value never leaves main). */
  passwordStored: boolean
  keychainAvailable: boolean
}

/** The replicator as the top bar shows it; `configured: false` shows nothing. */
export interface TeamStatusView {
  configured: boolean
  /** Attempts and audit entries written here and not yet in the team database. */
  pending: number
  lastShippedAt: number | null
  /** Since when the team database could not be reached (null while it can). */
  unreachableSince: number | null
  /** The last failure, in words, without secrets. */
  lastError: string | null
}

/** The answer to "Test connection": plain words, what to do next when it failed. */
export interface TeamConnectionTest {
  ok: boolean
  summary: string
  detail: string | null
}

/** A team history row: any console's attempt as shipped (this one's too). */
export type TeamAttemptSummary = AttemptSummary & {
  /** The console (data folder) that made the attempt. */
  consoleId: string
  machine: string
}

export interface TeamHistoryPage {
  rows: TeamAttemptSummary[]
  nextCursor: string | null
}

/** The team side of the duplicate warning; null when no team database is configured. */
export interface TeamPrecheck {
  /** Other consoles' attempts of the payment whose outcome was enrolled or unknown, newest first. */
  risky: TeamAttemptSummary[]
  /** How fresh the team data is: when it was last read from the team database (ms), null if never. */
  asOf: number | null
  /** Why the team could not be asked (the warning then says the team was not checked). */
  error: string | null
}

export type EnrollPrecheckWithTeam = EnrollPrecheck & { team: TeamPrecheck | null }
