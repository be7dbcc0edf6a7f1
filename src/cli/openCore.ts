import { hostname, userInfo } from 'node:os'
import { join } from 'node:path'
import type { AppCore } from '../core/app/appCore.ts'
import { defaultDataDir, keychainService } from '../core/app/dataDir.ts'
import type { Credentials } from '../core/protocol/types.ts'
import { checkApiUrl } from '../shared/domain/apiUrl.ts'
import { isEnvironmentId, type EnvironmentEndpoints, type EnvironmentId } from '../shared/domain/environments.ts'
import { MIN_SECRET_LENGTH, SECRET_TOO_SHORT } from '../shared/domain/secretRule.ts'
import { UsageError } from './args.ts'
import { folderState } from './folderState.ts'
import { appVersion } from './version.ts'

// Only light modules are imported at the top: the core (SQLite, pino, zod, the keychain
// binding, the training server) is loaded inside openCore(), so `--help`, `--version` and
// usage errors never pay for it.

/** Kept here for the command files that import it from openCore. */
export { appVersion }

export interface CoreOptions {
  dataDir?: string | undefined
  env?: string | undefined
  baseUrl?: string | undefined
  passportUrl?: string | undefined
  /** Start the built-in training server if the environment is Training. */
  needsTraining?: boolean
  /** Reading commands (history, export, audit): a data folder that does not exist is an error, not a new empty one. */
  mustExist?: boolean
}

export interface OpenedCore {
  core: AppCore
  environment: EnvironmentId
  dataDir: string
  logDir: string
  close(): Promise<void>
}

/** OTP_CLIENT_ID and OTP_CLIENT_SECRET together replace the keychain (automation). */
function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  const clientId = env.OTP_CLIENT_ID?.trim()
  const clientSecret = env.OTP_CLIENT_SECRET
  if (clientId && clientSecret) {
    if (clientSecret.length < MIN_SECRET_LENGTH) throw new UsageError(`OTP_CLIENT_SECRET: ${SECRET_TOO_SHORT}`)
    return { clientId, clientSecret }
  }
  if (clientId || clientSecret) throw new UsageError('Set both OTP_CLIENT_ID and OTP_CLIENT_SECRET, or neither (the keychain is used then).')
  return undefined
}

/** --base-url / --passport-url by the URL rule (shared/domain/apiUrl.ts); an empty value is refused, not ignored. */
function endpointsFrom(options: CoreOptions): EnvironmentEndpoints | undefined {
  if (options.baseUrl === undefined && options.passportUrl === undefined) return undefined
  const normal: Partial<Record<'baseUrl' | 'passportUrl', string>> = {}
  for (const [key, flag] of [['baseUrl', '--base-url'], ['passportUrl', '--passport-url']] as const) {
    const url = options[key]
    if (url === undefined) continue
    const checked = checkApiUrl(url)
    // The value is not repeated: a refused URL may carry a password (user info).
    if (!checked.ok) throw new UsageError(`${flag} is refused: ${checked.reason} Nothing was sent.`)
    normal[key] = checked.url
  }
  const baseUrl = (normal.baseUrl ?? normal.passportUrl) as string
  return { baseUrl, passportUrl: normal.passportUrl ?? baseUrl }
}

function requireFolder(dataDir: string): void {
  const state = folderState(dataDir)
  if (state === 'missing') throw new UsageError(`No data folder at ${dataDir}: nothing has been recorded there. Check --data-dir or OTP_CONSOLE_DATA_DIR.`)
  if (state === 'not-a-folder') throw new UsageError(`${dataDir} is not a folder. Check --data-dir or OTP_CONSOLE_DATA_DIR.`)
}

/** Everything that can be wrong with the arguments, checked before anything is created or sent. */
function checkArguments(options: CoreOptions) {
  const endpointOverride = endpointsFrom(options)
  if (options.env !== undefined && !isEnvironmentId(options.env)) {
    throw new UsageError(`--env must be training, sandbox, production or custom (got "${options.env}").`)
  }
  // --base-url alone means Custom; otherwise the console's active environment.
  let environment: EnvironmentId | undefined = options.env as EnvironmentId | undefined
  if (endpointOverride && environment === 'training') throw new UsageError('--base-url cannot be combined with --env training.')
  if (endpointOverride && !environment) environment = 'custom'
  return { endpointOverride, environment, credentialOverride: credentialsFromEnv(process.env) }
}

export async function openCore(options: CoreOptions): Promise<OpenedCore> {
  const dataDir = options.dataDir ?? defaultDataDir()
  const checked = checkArguments(options)
  const { endpointOverride, credentialOverride } = checked
  let environment = checked.environment
  if (options.mustExist) requireFolder(dataDir)

  // The keychain first: its search for this service's items (see createOsSecretStore) runs
  // while the rest of the core loads.
  const { createOsSecretStore } = await import('../core/credentials/secretStore.ts')
  const secretStore = createOsSecretStore(keychainService(), { shortLived: true })
  const [{ createAppCore }, { createDiagnosticLog }, { httpTransport }, { credentialAccount }, { AUDIT_ACCOUNT_PREFIX }] = await Promise.all([
    import('../core/app/appCore.ts'),
    import('../core/log/diagnosticLog.ts'),
    import('../core/protocol/httpTransport.ts'),
    import('../core/credentials/credentialVault.ts'),
    import('../core/audit/auditKeychain.ts'),
  ])
  const logDir = join(dataDir, 'logs')
  const logger = createDiagnosticLog({ dir: logDir, fileName: 'cli.log' })
  let training: { url: string; close(): Promise<void> } | undefined
  const core = createAppCore({
    dataDir,
    fetch: httpTransport, // Node's HTTP client: fetch alone costs more to start than the rest (httpTransport.ts)
    secretStore,
    logger,
    operator: userInfo().username,
    machine: hostname(),
    appVersion,
    channel: 'cli',
    trainingUrl: () => training?.url,
    credentialOverride,
    endpointOverride,
  })
  await core.audit.open() // the trail's key from the keychain (or why entries are refused)
  environment ??= core.settings.read().activeEnvironment
  // The start-up search read every item of the service: only the audit's and this command's
  // credentials (none when they come from the environment) stay in the process.
  const used = credentialOverride || environment === 'training' ? undefined : credentialAccount(environment)
  secretStore.retainOnly((account) => account.startsWith(AUDIT_ACCOUNT_PREFIX) || account === used)
  if (environment === 'training' && options.needsTraining) {
    const [{ startTrainingServer }, { createFileEnrolledStore }] = await Promise.all([import('../core/simulator/trainingServer.ts'), import('../core/app/trainingState.ts')])
    training = await startTrainingServer({ enrolledStore: createFileEnrolledStore(join(dataDir, 'training-enrolled.json')) })
  }
  return {
    core,
    environment,
    dataDir,
    logDir,
    async close() {
      await training?.close()
      await core.stopTeam() // `team sync` opened a pool; other commands never start the replicator
      await core.audit.flush()
      core.close()
      await logger.close()
    },
  }
}
