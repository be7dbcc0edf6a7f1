import type { DatabaseSync } from 'node:sqlite'
import type { Pool } from 'pg'
import type { AttemptRecord } from '../../shared/domain/attempt.ts'
import type { TeamConnectionTest, TeamSettings, TeamStatus } from '../../shared/domain/team.ts'
import type { AuditTrail } from '../audit/types.ts'
import type { SecretStore } from '../credentials/keychainTypes.ts'
import type { Logger } from '../log/logger.ts'
import type { SettingsStore } from '../settings/settingsStore.ts'
import { createOutbox } from './outbox.ts'
import type { Replicator } from './replicator.ts'
import { createTeamPasswordStore, resolveTeamConnection, teamTarget, type TeamConnection } from './teamConfig.ts'
import type { TeamPoolOptions } from './teamPool.ts'

/*
 * The team workspace as the rest of the app sees it: the connection in force (settings or
 * OTP_CONSOLE_TEAM_DB, password from PGPASSWORD or the keychain), its audited configuration,
 * the replicator (started by the console's main side and `team sync`, never by the CLI's
 * short commands) and its status. pg and the replicator load only when a team database is
 * configured.
 */

export interface TeamServiceDeps {
  db: DatabaseSync
  readAttempt(id: number): AttemptRecord | undefined
  settings: SettingsStore
  secretStore: SecretStore
  audit: AuditTrail
  logger: Logger
  env: Record<string, string | undefined>
  machine: string
  operator: string
  appVersion: string
  now?: () => number
  /** Replicator timing (tests, bench). */
  replicator?: { intervalMs?: number; batchSize?: number; retryMs?: { first: number; max: number }; pool?: TeamPoolOptions }
}

export interface TeamConfigureInput {
  settings: TeamSettings | null
  /** A new password; undefined keeps the stored one (if it was entered for the same target); null removes it. */
  password?: string | null | undefined
}

export interface TeamService {
  /** This data folder's console id (random, stable). */
  consoleId(): string
  /** The connection in force, null when none (throws TeamConfigError on a bad OTP_CONSOLE_TEAM_DB). */
  connection(): Promise<TeamConnection | null>
  /** A pool on the team database in force, null when none; the caller ends it. */
  openPool(options?: TeamPoolOptions): Promise<Pool | null>
  /** Starts replicating when a team database is configured (never throws: errors go to the status). */
  start(): Promise<void>
  status(): TeamStatus
  /**
   * status(), also right for a data folder this process does not replicate (the CLI): when the
   * team database in force is not the one the outbox is kept for, everything would be shipped.
   */
  folderStatus(): Promise<TeamStatus>
  /** Ships everything waiting now (starts the replicator's pool if needed, without its timer). */
  syncNow(): Promise<TeamStatus>
  /** Saves the team settings and password (audited), then restarts replication if it was running. */
  configure(input: TeamConfigureInput): Promise<void>
  stop(): Promise<void>
  /**
   * "Test connection" for settings not saved yet: `password` as typed, or (undefined) the one
   * stored for that target, or PGPASSWORD. Changes nothing.
   */
  test(settings: TeamSettings, password?: string): Promise<TeamConnectionTest>
}

export function createTeamService(deps: TeamServiceDeps): TeamService {
  const outbox = createOutbox(deps.db)
  const passwords = createTeamPasswordStore(deps.secretStore)
  const now = deps.now ?? Date.now
  let replicator: Replicator | undefined
  let timerRunning = false
  /** A configuration error found at start (bad env URL): shown as the status. */
  let configError: { message: string; since: number } | null = null

  const connection = () => resolveTeamConnection({ settings: deps.settings.read().team, env: deps.env, passwords })

  async function openPool(options?: TeamPoolOptions): Promise<Pool | null> {
    const conn = await connection()
    if (!conn) return null
    const { openTeamPool } = await import('./teamPool.ts')
    return openTeamPool(conn, options)
  }

  /** Makes the replicator for the connection in force (undefined when none). */
  async function makeReplicator(): Promise<Replicator | undefined> {
    let conn: TeamConnection | null
    try {
      conn = await connection()
      configError = null
    } catch (error) {
      configError = { message: error instanceof Error ? error.message : String(error), since: now() }
      deps.logger.warn('team.config-refused', { reason: configError.message })
      return undefined
    }
    if (!conn) {
      if (outbox.target() !== undefined) outbox.detach()
      return undefined
    }
    const [{ openTeamPool }, { createReplicator }] = await Promise.all([import('./teamPool.ts'), import('./replicator.ts')])
    const pool = await openTeamPool(conn, { applicationName: `otp-console ${deps.machine}`, ...deps.replicator?.pool })
    return createReplicator({
      pool,
      outbox,
      readAttempt: deps.readAttempt,
      target: conn.target,
      machine: deps.machine,
      operator: deps.operator,
      appVersion: deps.appVersion,
      now,
      ...(deps.replicator?.intervalMs === undefined ? {} : { intervalMs: deps.replicator.intervalMs }),
      ...(deps.replicator?.batchSize === undefined ? {} : { batchSize: deps.replicator.batchSize }),
      ...(deps.replicator?.retryMs === undefined ? {} : { retryMs: deps.replicator.retryMs }),
      onError: (message) => deps.logger.warn('team.unreachable', { target: conn.target, reason: message }),
    })
  }

  async function stop(): Promise<void> {
    const current = replicator
    replicator = undefined
    timerRunning = false
    await current?.stop()
  }

  /** Starts replicating; a no-op while it already runs (startMain and the Settings session may both ask). */
  async function start(): Promise<void> {
    if (timerRunning && replicator) return
    await restart()
  }

  /** Stops whatever runs and starts again with the configuration in force. */
  async function restart(): Promise<void> {
    await stop()
    replicator = await makeReplicator()
    if (replicator) {
      replicator.start()
      timerRunning = true
    }
  }

  function status(): TeamStatus {
    if (replicator) return replicator.status()
    const { attempts, audit } = outbox.pending()
    const pending = attempts + audit
    if (configError) {
      return { state: 'unreachable', pending, lastShippedAt: null, unreachableSince: configError.since, lastError: configError.message, consoleId: outbox.consoleId(), target: '' }
    }
    const target = outbox.target()
    if (target === undefined) return { state: 'off' }
    // Not replicating in this process (the CLI): what the last replicator on this folder reported.
    const report = outbox.report()
    const state = report.unreachableSince !== null ? 'unreachable' : pending === 0 ? 'up-to-date' : 'waiting'
    return { state, pending, ...report, consoleId: outbox.consoleId(), target }
  }

  async function folderStatus(): Promise<TeamStatus> {
    if (replicator) return replicator.status()
    let conn: TeamConnection | null
    try {
      conn = await connection()
    } catch (error) {
      const { attempts, audit } = outbox.pending()
      return { state: 'unreachable', pending: attempts + audit, lastShippedAt: null, unreachableSince: now(), lastError: error instanceof Error ? error.message : String(error), consoleId: outbox.consoleId(), target: '' }
    }
    if (!conn) return { state: 'off' }
    if (outbox.target() === conn.target) return status()
    const pending = outbox.everything()
    return { state: pending === 0 ? 'up-to-date' : 'waiting', pending, lastShippedAt: null, unreachableSince: null, lastError: null, consoleId: outbox.consoleId(), target: conn.target }
  }

  async function test(settings: TeamSettings, password?: string): Promise<TeamConnectionTest> {
    const { teamSettingsSchema } = await import('../../shared/domain/team.ts')
    const checked = teamSettingsSchema.safeParse(settings)
    if (!checked.success) return { ok: false, message: checked.error.issues.map((i) => i.message).join('; ') }
    const target = teamTarget(checked.data)
    const secret = password ?? (await passwords.get(target).catch(() => undefined)) ?? (deps.env.PGPASSWORD || undefined)
    const { testTeamConnection } = await import('./teamTest.ts')
    return testTeamConnection({ settings: checked.data, source: 'settings', target, password: secret, passwordSource: password === undefined ? 'keychain' : 'none' })
  }

  return {
    consoleId: () => outbox.consoleId(),
    folderStatus,
    test,
    connection,
    openPool,
    start,
    stop,
    status,
    async syncNow() {
      replicator ??= await makeReplicator()
      return replicator ? replicator.syncNow() : status()
    },
    async configure(input) {
      const refusal = deps.audit.unavailable() // a change that cannot be audited is not made
      if (refusal) throw new Error(refusal)
      const before = deps.settings.read().team
      const beforeTarget = before ? teamTarget(before) : null
      const afterTarget = input.settings ? teamTarget(input.settings) : null
      deps.settings.setTeam(input.settings)
      let passwordChange: 'set' | 'removed' | 'kept' = 'kept'
      if (input.settings === null || input.password === null) {
        if (await passwords.delete()) passwordChange = 'removed'
      } else if (typeof input.password === 'string' && afterTarget !== null) {
        await passwords.set(afterTarget, input.password)
        passwordChange = 'set'
      }
      deps.audit.record({
        action: 'team.configure',
        summary: afterTarget ? `Team database set to ${afterTarget} (TLS ${input.settings?.tlsMode})` : 'Team database removed',
        details: { before: before ?? null, after: input.settings, password: passwordChange },
      })
      deps.logger.info('team.configure', { before: beforeTarget, after: afterTarget, password: passwordChange })
      if (timerRunning) await restart()
      else await stop() // a pool `team sync` opened for the old target
    },
  }
}
