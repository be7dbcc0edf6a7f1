import { createMemorySecretStore } from '../src/core/audit/memorySecretStore.ts'
import { createAppCore } from '../src/core/app/appCore.ts'
import { silentLogger } from '../src/core/log/logger.ts'
import { httpTransport } from '../src/core/protocol/httpTransport.ts'
import type { Credentials } from '../src/core/protocol/types.ts'

/** The console's core as `otp-console bulk` builds it, on a fresh data folder, sending to `baseUrl` (Custom) with `credentials`: what the bulk bench runs. */
export async function openBulkRunCore(dataDir: string, baseUrl: string, credentials: Credentials) {
  const core = createAppCore({
    dataDir,
    fetch: httpTransport, // the CLI's transport (src/cli/openCore.ts)
    secretStore: createMemorySecretStore(),
    logger: silentLogger,
    operator: 'bench',
    machine: 'bench',
    appVersion: '0.0.0',
    channel: 'cli',
    trainingUrl: () => undefined,
    credentialOverride: credentials,
    endpointOverride: { baseUrl, passportUrl: baseUrl },
  })
  await core.audit.open()
  return {
    bulk: core.bulk,
    async close() {
      await core.audit.flush()
      core.close()
    },
  }
}
