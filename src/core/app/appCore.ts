import { randomBytes as nodeRandomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Channel } from '../../shared/domain/attempt.ts'
import { ENVIRONMENT_IDS, ENVIRONMENT_LABELS, TRAINING_CREDENTIALS, type EnvironmentEndpoints } from '../../shared/domain/environments.ts'
import type { EnvironmentView, EnvironmentsState } from '../../shared/domain/environmentState.ts'
import { createAuditTrail } from '../audit/auditTrail.ts'
import { createBulkRunner, type BulkRunner } from '../bulk/runRunner.ts'
import { createRunStore } from '../bulk/runStore.ts'
import { createCredentialVault, type VaultEnvironment } from '../credentials/credentialVault.ts'
import { createRetention } from './retention.ts'
import { createTargetResolver } from '../credentials/resolveTarget.ts'
import type { SecretStore } from '../credentials/secretStore.ts'
import { createEnrollService, type AttemptDeps } from '../enroll/enrollService.ts'
import { createHistoryStore } from '../history/historyStore.ts'
import { createInFlightRegistry } from '../history/inFlightRegistry.ts'
import type { Logger } from '../log/logger.ts'
import { createEnrollClient } from '../protocol/enrollClient.ts'
import { createNonce } from '../protocol/nonce.ts'
import { createTokenCache } from '../protocol/tokenCache.ts'
import type { Credentials, FetchLike } from '../protocol/types.ts'
import { createSettingsStore } from '../settings/settingsStore.ts'
import { APP_MIGRATIONS } from '../storage/migrations.ts'
import { openDatabase, SCAN_PAGE_CACHE_KIB } from '../storage/openDatabase.ts'
import { ensurePrivateDir } from '../storage/privateFiles.ts'
import { immediateTransaction } from '../storage/transaction.ts'
import { createTeamService, type TeamService, type TeamServiceDeps } from '../team/teamService.ts'

export interface AppCoreOptions {
  dataDir: string
  fetch: FetchLike
  secretStore: SecretStore
  logger: Logger
  operator: string
  machine: string
  appVersion: string
  channel: Channel
  /** URL of the running training server, when one runs in this process. */
  trainingUrl: () => string | undefined
  /** Credentials that override the keychain (the CLI's OTP_CLIENT_ID/OTP_CLIENT_SECRET). */
  credentialOverride?: Credentials | undefined
  /** Base URLs that override the settings for non-training environments (the CLI's --base-url). */
  endpointOverride?: EnvironmentEndpoints | undefined
  now?: () => number
  randomBytes?: (size: number) => Uint8Array
  timeoutMs?: number
  /** Environment read for the team database (OTP_CONSOLE_TEAM_DB, PGPASSWORD); default process.env. */
  env?: Record<string, string | undefined>
  /** Team replicator timing (tests, bench). */
  teamReplicator?: TeamServiceDeps['replicator']
}

export const HISTORY_FILE = 'history.sqlite'
export const SETTINGS_FILE = 'settings.json'
/** One file per process listing the attempts it is sending (inFlightRegistry.ts). */
export const IN_FLIGHT_DIR = 'in-flight'

/**
 * Everything the console and the CLI share, wired from plain modules: history and audit
 * (one SQLite file), settings, the keychain vault and the enrollment service.
 */
export function createAppCore(options: AppCoreOptions) {
  const now = options.now ?? Date.now
  ensurePrivateDir(options.dataDir)
  const db = openDatabase(join(options.dataDir, HISTORY_FILE))
  // Attempts in flight in any process on this data folder (the console sees the CLI's).
  const history = createHistoryStore(db, { inFlight: createInFlightRegistry(join(options.dataDir, IN_FLIGHT_DIR)) })
  const audit = createAuditTrail(db, {
    now,
    operator: options.operator,
    machine: options.machine,
    appVersion: options.appVersion,
    keychain: options.secretStore,
    databasePath: join(options.dataDir, HISTORY_FILE),
    onHeadError: (error) => options.logger.warn('audit.head-not-written', { reason: error instanceof Error ? error.message : String(error) }),
  })
  const settings = createSettingsStore(join(options.dataDir, SETTINGS_FILE), now)
  const vault = createCredentialVault(options.secretStore)
  const tokens = createTokenCache({ fetch: options.fetch, now })
  const client = createEnrollClient({
    fetch: options.fetch,
    now,
    nonce: () => createNonce(options.randomBytes ?? nodeRandomBytes),
    tokens,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  })

  const targets = createTargetResolver({
    settings,
    vault,
    audit,
    trainingUrl: options.trainingUrl,
    credentialOverride: options.credentialOverride,
    endpointOverride: options.endpointOverride,
  })
  const resolveTarget = targets.resolveTarget
  const retention = createRetention({ db, audit, settings, logger: options.logger, now })

  // One set of what sending attempts takes, for the enroll service and the bulk runner.
  const attemptDeps: AttemptDeps = {
    history,
    audit,
    client,
    logger: options.logger,
    now,
    operator: options.operator,
    appVersion: options.appVersion,
    channel: options.channel,
    resolveTarget,
  }
  const enrollService = createEnrollService({ ...attemptDeps, atomically: (work) => immediateTransaction(db, work) })

  // The team service and the bulk runner are built on first use: a one-shot CLI `enroll` never
  // needs them, and preparing their statements is start-up time it would pay on every call.
  // Team workspace (issue 14): nothing runs until start() (startMain) or syncNow() (`team sync`).
  const createTeam = (): TeamService => createTeamService({
    db,
    readAttempt: (id) => history.get(id),
    settings,
    secretStore: options.secretStore,
    audit,
    logger: options.logger,
    env: options.env ?? process.env,
    machine: options.machine,
    operator: options.operator,
    appVersion: options.appVersion,
    now,
    ...(options.teamReplicator ? { replicator: options.teamReplicator } : {}),
  })

  // Bulk runs (issue 12): stored runs and rows, and the runner that sends them.
  const createBulk = (): BulkRunner => createBulkRunner({ ...attemptDeps, db, runs: createRunStore(db, { now }) })

  let team: TeamService | undefined
  let bulk: BulkRunner | undefined

  async function environmentsState(): Promise<EnvironmentsState> {
    const current = settings.read()
    const keychain = await vault.probe()
    const views: EnvironmentView[] = []
    for (const id of ENVIRONMENT_IDS) {
      if (id === 'training') {
        const url = options.trainingUrl() ?? ''
        views.push({ id, label: ENVIRONMENT_LABELS[id], baseUrl: url, passportUrl: url, editable: false, credentials: { stored: true, clientId: TRAINING_CREDENTIALS.clientId } })
        continue
      }
      const { credentials, destinationChanged } = keychain.available
        ? await targets.credentialState(id as VaultEnvironment)
        : { credentials: { stored: false, clientId: null }, destinationChanged: false }
      views.push({ id, label: ENVIRONMENT_LABELS[id], ...current.endpoints[id], editable: true, credentials, destinationChanged })
    }
    return { active: current.activeEnvironment, environments: views, keychain }
  }

  return {
    history,
    audit,
    settings,
    vault,
    enrollService,
    /** Bulk enrollment runs: create, start/resume, pause, cancel, summary, retry failed rows. */
    get bulk(): BulkRunner {
      return (bulk ??= createBulk())
    },
    resolveTarget,
    /** Credentials bound to their destination: state, pending change, confirmation. */
    destinations: targets,
    /** Retention: purges old attempts (policy in settings, or a date from the CLI). */
    retention,
    /** Team database: connection, replicator, status, console id (src/core/team/teamService.ts). */
    get team(): TeamService {
      return (team ??= createTeam())
    },
    /** Stops the team replicator if this process built the team service (close() does not). */
    async stopTeam() {
      await team?.stop()
    },
    environmentsState,
    dataDir: options.dataDir,
    /**
     * History on a connection of its own with a small page cache, for reading it end to end
     * (exports): see SCAN_PAGE_CACHE_KIB. The caller closes it.
     */
    openHistoryScan() {
      const scanDb = openDatabase(join(options.dataDir, HISTORY_FILE), APP_MIGRATIONS, { pageCacheKiB: SCAN_PAGE_CACHE_KIB })
      const store = createHistoryStore(scanDb)
      return {
        history: store,
        close() {
          store.close()
          scanDb.close()
        },
      }
    },
    close() {
      db.close()
    },
  }
}

export type AppCore = ReturnType<typeof createAppCore>
