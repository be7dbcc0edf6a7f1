import type { TeamPrecheck } from '../../../shared/domain/historyViews.ts'
import type { TeamConnectionTest, TeamSettings, TeamStatus } from '../../../shared/domain/team.ts'
import { formatCount, formatWhen } from './format.ts'

// The top bar's team status in plain words (issue 14): "Team: up to date", "Team: 3 waiting",
// "Team unreachable since 10:42 (last error…)"; nothing when no team database is configured.

export type TeamStatusTone = 'ok' | 'waiting' | 'error'

export interface TeamStatusLine {
  tone: TeamStatusTone
  text: string
  /** The longer story for the tooltip and screen readers. */
  detail: string
}

/** Longest piece of the last error shown in the bar (the whole text is in the detail). */
const ERROR_IN_BAR = 60

export function teamStatusLine(status: TeamStatus | null, nowMs: number): TeamStatusLine | null {
  if (!status || status.state === 'off') return null
  const shipped = status.lastShippedAt === null ? 'nothing shipped yet' : `last shipped ${formatWhen(status.lastShippedAt, nowMs)}`
  if (status.state === 'unreachable') {
    const error = status.lastError ?? 'no answer'
    const short = error.length > ERROR_IN_BAR ? `${error.slice(0, ERROR_IN_BAR - 1)}…` : error
    const waiting = status.pending > 0 ? `${formatCount(status.pending)} waiting here, nothing is lost` : 'nothing waiting'
    return {
      tone: 'error',
      text: `Team unreachable since ${formatWhen(status.unreachableSince ?? nowMs, nowMs)} (${short})`,
      detail: `The team database cannot be reached: ${error}. Enrollments go on; ${waiting}; ${shipped}.`,
    }
  }
  if (status.pending > 0) {
    return { tone: 'waiting', text: `Team: ${formatCount(status.pending)} waiting`, detail: `${formatCount(status.pending)} waiting to be shipped to the team database; ${shipped}.` }
  }
  return { tone: 'ok', text: 'Team: up to date', detail: `Everything from this computer is in the team database; ${shipped}.` }
}

/**
 * How fresh the team side of the duplicate warning is, in words: when the team database
 * answered, and the other consoles whose last shipment is oldest (an attempt made there since is
 * not known yet).
 */
export function teamFreshnessText(team: TeamPrecheck | null, nowMs: number): string {
  if (!team) return ''
  const read = `Team data read ${formatWhen(team.readAt, nowMs)}`
  const shipped = team.consoles.filter((c) => c.lastShippedAt !== null)
  if (shipped.length === 0) return `${read}.`
  const oldest = shipped[0]!
  const more = shipped.length > 1 ? ` (oldest of ${shipped.length} other consoles)` : ''
  return `${read}; ${oldest.machine} last shipped ${formatWhen(oldest.lastShippedAt!, nowMs)}${more}: anything it did since is not known yet.`
}

/** "Test connection" in plain words: what worked, or what to fix (by the SQLSTATE / errno in the message). */
export function connectionTestWords(test: TeamConnectionTest, settings: Pick<TeamSettings, 'host' | 'port' | 'database' | 'user'>): { summary: string; detail: string | null } {
  const where = `${settings.host}:${settings.port}`
  if (test.ok) {
    const schema =
      test.schemaVersion >= test.schemaNeeded
        ? `The team tables are there (schema version ${test.schemaVersion}).`
        : test.mayMigrate
          ? 'The team tables are not there yet: the console creates them when it first ships.'
          : 'The team tables are not there yet and this user may not create them: a DBA runs docs/team-schema.sql.'
    return { summary: `Connected to ${test.serverVersion} as ${settings.user}${test.tls ? ' over TLS' : ''}.`, detail: schema }
  }
  const m = test.message
  const summary = /ECONNREFUSED/.test(m)
    ? `Nothing accepts connections at ${where}: the server is not running there, or a firewall refuses.`
    : /ENOTFOUND|EAI_AGAIN/.test(m)
      ? `The host name ${settings.host} is not known.`
      : /EHOSTUNREACH|ENETUNREACH/.test(m)
        ? `${where} cannot be reached from this computer.`
        : /28P01/.test(m)
          ? `The password for ${settings.user} was refused.`
          : /3D000/.test(m)
            ? `The database ${settings.database} does not exist on ${where}.`
            : /28000/.test(m)
              ? `The server does not let ${settings.user} connect from this computer (pg_hba.conf), or it requires TLS.`
              : /timeout|timed out/i.test(m)
                ? `No answer from ${where} in time.`
                : /certificate|self[- ]signed|SSL|TLS/i.test(m)
                  ? 'The server’s TLS certificate could not be checked against the CA file, or it does not name this host.'
                  : /password/i.test(m)
                    ? `The server asks for a password for ${settings.user}: type it in Password.`
                    : `Could not connect to ${where}.`
  return { summary, detail: m }
}
