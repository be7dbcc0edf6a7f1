import type { TeamConfigSource, TeamSettings } from './team.ts'
import type { EnrollPrecheck, TeamPrecheck } from './historyViews.ts'

// What the console's window sees of the team workspace (issue 14), beside the team domain
// types (team.ts): the team settings without the password, the history scope and the team side
// of the duplicate warning. The window never sees the
// password or the CA file's contents.

/** Which history a query reads: this computer's SQLite file, or every console's in PostgreSQL. */
export const HISTORY_SCOPES = ['local', 'team'] as const
export type HistoryScope = (typeof HISTORY_SCOPES)[number]

export interface TeamSettingsView {
  /** The connection in force; null: no team database (the console works alone, as before). */
  settings: TeamSettings | null
  /** `env`: set by OTP_CONSOLE_TEAM_DB for this process; Settings cannot change it then. */
  source: TeamConfigSource | null
  /** Whether the keychain holds a password for this connection (its value never leaves main). */
  passwordStored: boolean
  keychainAvailable: boolean
}

/**
 * The duplicate warning's answer: this computer's precheck plus the team's. `team` is null when
 * no team database is configured; `teamError` says why the team could not be asked (the
 * warning then says the team was not checked).
 */
export type EnrollPrecheckWithTeam = EnrollPrecheck & { team: TeamPrecheck | null; teamError: string | null }
