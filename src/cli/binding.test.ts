import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createCredentialVault } from '../core/credentials/credentialVault.ts'
import { createOsSecretStore } from '../core/credentials/secretStore.ts'
import { startTrainingServer, type TrainingServer } from '../core/simulator/trainingServer.ts'
import { destinationOf } from '../shared/domain/destination.ts'

// The CLI as a process with keychain credentials bound to one destination, and settings.json
// changed behind the console's back: nothing may be sent (requests counted on loopback).
// Each test spawns CLI processes (seconds each on a loaded 2-core machine): generous timeouts.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 })
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const CREDS = { clientId: 'IKIACLIBIND00000000000000000000000000001', clientSecret: 'cli-bind-secret-0123456789abcdef' }
const service = `otp-console-cli-bind-${randomUUID()}`
const vault = createCredentialVault(createOsSecretStore(service))
const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-bind-'))

let api: TrainingServer
let elsewhere: TrainingServer
const requests = { api: 0, elsewhere: 0 }

function writeSettings(baseUrl: string, passportUrl: string) {
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ activeEnvironment: 'custom', endpoints: { custom: { baseUrl, passportUrl } } }))
}

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args, '--data-dir', dataDir], {
      env: { ...process.env, OTP_CONSOLE_KEYCHAIN_SERVICE: service, OTP_CLIENT_ID: '', OTP_CLIENT_SECRET: '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
const enroll = (paymentId: string, ...more: string[]) => ['enroll', '--payment-id', paymentId, '--phone', '08031234567', ...more]

beforeAll(async () => {
  api = await startTrainingServer({ credentials: [CREDS], onRequest: () => void requests.api++ })
  elsewhere = await startTrainingServer({ credentials: [CREDS], onRequest: () => void requests.elsewhere++ })
  writeSettings(api.url, api.url)
  await vault.set('custom', CREDS, destinationOf({ baseUrl: api.url, passportUrl: api.url }))
})
afterAll(async () => {
  await vault.delete('custom')
  await api.close()
  await elsewhere.close()
})

describe('CLI: keychain credentials go only where they were entered for', () => {
  it('sends to the bound destination', async () => {
    const run = await cli(enroll('6660001'))
    expect(run.code).toBe(0)
    expect(requests.api).toBeGreaterThan(0)
  })

  it('passport URL changed in settings.json: exit 2, says why, nothing sent', async () => {
    writeSettings(api.url, elsewhere.url)
    const before = { ...requests }
    const run = await cli(enroll('6660002'))
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/Not sent: Nothing was sent\. The Custom URLs now point to .*token: http:\/\/127\.0\.0\.1:\d+.*entered for/)
    expect(run.stderr).toMatch(/OTP_CLIENT_ID/)
    expect(requests).toEqual(before)
    const json = await cli(enroll('6660003', '--json'))
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ outcome: 'not-sent', error: { code: 'destination-changed' } })
    expect(requests).toEqual(before)
  })

  it('--base-url elsewhere with keychain credentials: exit 2, nothing sent', async () => {
    writeSettings(api.url, api.url)
    const before = { ...requests }
    const run = await cli(enroll('6660004', '--env', 'custom', '--base-url', elsewhere.url))
    expect(run.code).toBe(2)
    expect(requests).toEqual(before)
  })

  it('credentials from OTP_CLIENT_ID/OTP_CLIENT_SECRET for that very call are sent where the call says', async () => {
    const before = requests.elsewhere
    const run = await cli(enroll('6660005', '--base-url', elsewhere.url), { OTP_CLIENT_ID: CREDS.clientId, OTP_CLIENT_SECRET: CREDS.clientSecret })
    expect(run.code).toBe(0)
    expect(requests.elsewhere).toBeGreaterThan(before)
  })
})
