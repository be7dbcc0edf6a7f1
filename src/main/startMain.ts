import { hostname, userInfo } from 'node:os'
import { join } from 'node:path'
import { createAppCore } from '../core/app/appCore.ts'
import { createFileEnrolledStore } from '../core/app/trainingState.ts'
import type { SecretStore } from '../core/credentials/secretStore.ts'
import { createDiagnosticLog, type DiagnosticLog } from '../core/log/diagnosticLog.ts'
import type { FetchLike } from '../core/protocol/types.ts'
import { startTrainingServer, type TrainingServer } from '../core/simulator/trainingServer.ts'
import type { AppInfo } from '../shared/domain/appInfo.ts'
import type { HostPlatform, MainContext } from './ipc/context.ts'
import { createDispatch, type Dispatch } from './ipc/dispatch.ts'
import { createHandlers } from './ipc/handlers.ts'
import { createTeamSession } from './ipc/teamSession.ts'

export interface StartMainOptions {
  dataDir: string
  appVersion: string
  fetch: FetchLike
  secretStore: SecretStore
  host: HostPlatform
  emit: (channel: string, payload: unknown) => void
  isTrustedSender: (url: string | undefined) => boolean
  /** Test hooks for the built-in training server (the E2E suite records issued tokens). */
  training?: { onTokenIssued?: ((token: string) => void) | undefined; onSignatureReceived?: ((signature: string) => void) | undefined }
}

export interface MainRuntime {
  dispatch: Dispatch
  context: MainContext
  trainingUrl: string
  close(): Promise<void>
}

/**
 * Everything the Electron main process runs, minus Electron: the diagnostic log, the training
 * server, the core and the IPC handlers behind one dispatch function. The app's entry and the
 * E2E browser driver both start the main side through here.
 */
export async function startMain(options: StartMainOptions): Promise<MainRuntime> {
  const logDir = join(options.dataDir, 'logs')
  const logger = createDiagnosticLog({ dir: logDir })
  let training: TrainingServer | undefined
  try {
    training = await startTrainingServer({
      enrolledStore: createFileEnrolledStore(join(options.dataDir, 'training-enrolled.json')),
      ...(options.training?.onTokenIssued ? { onTokenIssued: options.training.onTokenIssued } : {}),
      ...(options.training?.onSignatureReceived ? { onSignatureReceived: options.training.onSignatureReceived } : {}),
    })
    return await startWith(options, logger, logDir, training)
  } catch (error) {
    // The start-up error box names the log folder: the reason must be there.
    logger.error('main.start-failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
    await training?.close().catch(() => {})
    await logger.close()
    throw error
  }
}

async function startWith(options: StartMainOptions, logger: DiagnosticLog, logDir: string, training: TrainingServer): Promise<MainRuntime> {
  const appInfo: AppInfo = {
    version: options.appVersion,
    operator: userInfo().username,
    machine: hostname(),
    platform: `${process.platform} ${process.arch}`,
    logDir,
  }
  const core = createAppCore({
    dataDir: options.dataDir,
    fetch: options.fetch,
    secretStore: options.secretStore,
    logger,
    operator: appInfo.operator,
    machine: appInfo.machine,
    appVersion: appInfo.version,
    channel: 'console',
    trainingUrl: () => training.url,
  })
  await core.audit.open() // the trail's key from the keychain (or why entries are refused)
  // Retention: attempts older than the setting are purged now and daily (audited).
  const stopRetention = core.retention.schedule()
  // Team database (issue 14): the replicator starts when one is configured. Starting reads the
  // settings and the keychain only (the pool connects on first use, in the background): start-up
  // never waits on the team server.
  const team = createTeamSession(core, logger, options.secretStore)
  await team.restart()
  const context: MainContext = { core, appInfo, host: options.host, logger, emit: options.emit, logDir, trainingUrl: () => training.url, team }
  logger.info('main.started', { version: appInfo.version, training: training.url })
  return {
    dispatch: createDispatch(createHandlers(context), options.isTrustedSender, logger),
    context,
    trainingUrl: training.url,
    async close() {
      stopRetention()
      logger.info('main.stopping')
      await team.close()
      // Bulk runs: nothing new starts, requests out finish, each run left resumable.
      await core.bulk.stopAll()
      await training.close()
      await core.audit.flush()
      core.close()
      await logger.close()
    },
  }
}
