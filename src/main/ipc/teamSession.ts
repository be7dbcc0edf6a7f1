import type { Pool } from 'pg'
import type { AppCore } from '../../core/app/appCore.ts'
import type { SecretStore } from '../../core/credentials/secretStore.ts'
import type { Logger } from '../../core/log/logger.ts'
import { createTeamPasswordStore, type TeamPasswordStore } from '../../core/team/teamConfig.ts'

/**
 * The console's side of the team database (issue 14), as main runs it: the replicator started
 * when a team database is configured (start-up, and again after every settings change), and a
 * pool of its own for the window's team reads (history scope, details, duplicate warning), so
 * that a long team query never waits behind a shipping batch or the other way round. Starts
 * and stops run one after the other, never overlapping.
 */
export interface TeamSession {
  /** (Re)starts replication on the connection now in force; drops the read pool (it may name another server). */
  restart(): Promise<void>
  /** The read pool, opened on first use; null when no team database is configured. */
  pool(): Promise<Pool | null>
  /** Stops replication and ends the read pool (quit). */
  close(): Promise<void>
  /** The team password in the keychain (bound to the connection it was entered for). */
  passwords: TeamPasswordStore
  /** This desk's keychain: a console's audit key is there when this desk wrote its trail. */
  secretStore: SecretStore
}

export function createTeamSession(core: AppCore, logger: Logger, secretStore: SecretStore): TeamSession {
  let queue: Promise<unknown> = Promise.resolve()
  let readPool: Promise<Pool | null> | undefined

  /** Runs `step` after every step queued before it (a restart never overlaps a stop). */
  function serial<T>(step: () => Promise<T>): Promise<T> {
    const next = queue.then(step, step)
    queue = next.catch(() => {})
    return next
  }

  async function endReadPool(): Promise<void> {
    const current = readPool
    readPool = undefined
    const pool = await current?.catch(() => null)
    await pool?.end().catch(() => {})
  }

  function pool(): Promise<Pool | null> {
    // A bad OTP_CONSOLE_TEAM_DB throws here: the caller says why; the next call tries again.
    readPool ??= core.team.openPool({ applicationName: 'otp-console reads', max: 2 }).catch((error: unknown) => {
      readPool = undefined
      throw error
    })
    return readPool
  }

  return {
    passwords: createTeamPasswordStore(secretStore),
    secretStore,
    restart: () =>
      serial(async () => {
        await endReadPool()
        await core.team.start() // never throws: a failure shows in the status
        const status = core.team.status()
        logger.info('team.session', { state: status.state })
      }),
    pool,
    close: () =>
      serial(async () => {
        await core.team.stop()
        await endReadPool()
      }),
  }
}
