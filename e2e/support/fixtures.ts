import { appendFileSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test as base, expect } from '@playwright/test'
import { createCredentialVault } from '../../src/core/credentials/credentialVault.ts'
import { createOsSecretStore } from '../../src/core/credentials/secretStore.ts'
import { startTrainingServer } from '../../src/core/simulator/trainingServer.ts'
import { launchBrowser } from '../drivers/browserDriver.ts'
import { checkAxe } from './axe.ts'
import { launchElectron } from '../drivers/electronDriver.ts'
import type { AppHandle, DriverName } from '../drivers/types.ts'
import { E2E_CREDENTIALS, E2E_DATA_ROOT, E2E_KEYCHAIN_SERVICE, ISSUED_TOKENS_FILE, RECEIVED_SIGNATURES_FILE } from './constants.ts'

export const DRIVER = (process.env.E2E_DRIVER ?? 'browser') as DriverName

export const recordToken = (token: string) => {
  mkdirSync(dirname(ISSUED_TOKENS_FILE), { recursive: true })
  appendFileSync(ISSUED_TOKENS_FILE, `${token}\n`)
}
export const recordSignature = (signature: string) => {
  mkdirSync(dirname(RECEIVED_SIGNATURES_FILE), { recursive: true })
  appendFileSync(RECEIVED_SIGNATURES_FILE, `${signature}\n`)
}

export interface CompatServer {
  url: string
  credentials: typeof E2E_CREDENTIALS
}

export const test = base.extend<{ app: AppHandle; compatServer: CompatServer }>({
  // Each test gets its own data folder (history, settings, logs) and keychain entries.
  app: async ({}, use, testInfo) => {
    const dataDir = join(E2E_DATA_ROOT, DRIVER, testInfo.titlePath.slice(1).join('-').replace(/[^a-z0-9]+/gi, '-').toLowerCase())
    rmSync(dataDir, { recursive: true, force: true })
    mkdirSync(dataDir, { recursive: true })
    const options = { dataDir, keychainService: E2E_KEYCHAIN_SERVICE, onTokenIssued: recordToken, onSignatureReceived: recordSignature }
    const app = DRIVER === 'electron' ? await launchElectron(options) : await launchBrowser(options)
    await use(app)
    // Whatever state a scenario ends in is checked with axe too (counted by e2e/run.ts).
    if (testInfo.status === 'passed' && !app.page.isClosed()) await checkAxe(app.page, `end of: ${testInfo.title}`)
    await app.close()
    const vault = createCredentialVault(createOsSecretStore(E2E_KEYCHAIN_SERVICE))
    for (const env of ['sandbox', 'production', 'custom'] as const) await vault.delete(env)
  },
  // An Interswitch-compatible server on another port with credentials only the test knows.
  compatServer: async ({}, use) => {
    const server = await startTrainingServer({ credentials: [E2E_CREDENTIALS], onTokenIssued: recordToken, onSignatureReceived: recordSignature })
    await use({ url: server.url, credentials: E2E_CREDENTIALS })
    await server.close()
  },
})

export { expect }
