import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import { silentLogger } from '../log/logger.ts'
import { createAppCore, type AppCore, type AppCoreOptions } from './appCore.ts'

// Shared by the tests that need a whole app core (not shipped code): options with a test's
// defaults — an in-memory keychain, no logging, no network (every request answers 500), no
// training server, no team database in the environment — and what the test says on top.

export function testCoreOptions(dataDir: string, overrides: Partial<AppCoreOptions> = {}): AppCoreOptions {
  return {
    dataDir,
    fetch: async () => new Response(null, { status: 500 }),
    secretStore: createMemorySecretStore(),
    logger: silentLogger,
    operator: 'tester',
    machine: 'box',
    appVersion: '0.0.0',
    channel: 'console',
    trainingUrl: () => undefined,
    env: {},
    ...overrides,
  }
}

/** An app core on `dataDir` with its audit trail open (its key in the given or a fresh in-memory keychain). */
export async function openTestCore(dataDir: string, overrides: Partial<AppCoreOptions> = {}): Promise<AppCore> {
  const core = createAppCore(testCoreOptions(dataDir, overrides))
  await core.audit.open()
  return core
}
