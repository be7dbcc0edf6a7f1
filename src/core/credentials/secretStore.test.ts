import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The real native keychain with no Secret Service reachable (the D-Bus session address points
// nowhere), in a child process so this test's own session is untouched.
const vaultModule = fileURLToPath(new URL('./credentialVault.ts', import.meta.url))
const storeModule = fileURLToPath(new URL('./secretStore.ts', import.meta.url))

function runWithoutKeychain(script: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/otp-console-no-bus' },
    encoding: 'utf8',
  })
  return JSON.parse(out.trim().split('\n').at(-1) ?? 'null')
}

describe.runIf(process.platform === 'linux')('no OS keychain available', () => {
  it('probe says what is missing', () => {
    const result = runWithoutKeychain(`
      const { createCredentialVault } = await import(${JSON.stringify(vaultModule)})
      const { createOsSecretStore } = await import(${JSON.stringify(storeModule)})
      console.log(JSON.stringify(await createCredentialVault(createOsSecretStore('otp-console-test')).probe()))
    `) as { available: boolean; message?: string }
    expect(result.available).toBe(false)
    expect(result.message).toMatch(/No usable OS keychain/)
    expect(result.message).toMatch(/GNOME Keyring/)
    expect(result.message).not.toMatch(/backtrace/i)
  })

  it('storing fails with KeychainUnavailableError and writes nothing anywhere else', () => {
    const result = runWithoutKeychain(`
      const { createCredentialVault } = await import(${JSON.stringify(vaultModule)})
      const { createOsSecretStore } = await import(${JSON.stringify(storeModule)})
      try {
        await createCredentialVault(createOsSecretStore('otp-console-test')).set('sandbox', { clientId: 'a', clientSecret: 'b' })
        console.log(JSON.stringify({ stored: true }))
      } catch (error) {
        console.log(JSON.stringify({ stored: false, name: error.name }))
      }
    `)
    expect(result).toEqual({ stored: false, name: 'KeychainUnavailableError' })
  })

  it('reading credentials is an error, not "not set" (the native call alone would answer null)', () => {
    const result = runWithoutKeychain(`
      const { createCredentialVault } = await import(${JSON.stringify(vaultModule)})
      const { createOsSecretStore } = await import(${JSON.stringify(storeModule)})
      try {
        const found = await createCredentialVault(createOsSecretStore('otp-console-test')).get('sandbox')
        console.log(JSON.stringify({ threw: false, found: found ?? null }))
      } catch (error) {
        console.log(JSON.stringify({ threw: true, name: error.name }))
      }
    `)
    expect(result).toEqual({ threw: true, name: 'KeychainUnavailableError' })
  })
})

describe('a keychain call whose Secret Service vanished mid-call', () => {
  const vanished = new Error(
    'zbus fdo error: org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying\nbacktrace…',
  )

  it('is tried once more, after dropping what was tied to the old service', async () => {
    const { guarded } = await import('./secretStore.ts')
    let calls = 0
    let dropped = 0
    const value = await guarded(
      async () => {
        calls += 1
        if (calls === 1) throw vanished
        return 'secret'
      },
      { onRetry: () => (dropped += 1), retryAfterMs: 1 },
    )
    expect({ value, calls, dropped }).toEqual({ value: 'secret', calls: 2, dropped: 1 })
  })

  it('fails with KeychainUnavailableError when the second try fails too', async () => {
    const { guarded } = await import('./secretStore.ts')
    let calls = 0
    const outcome = guarded(
      async () => {
        calls += 1
        throw vanished
      },
      { retryAfterMs: 1 },
    )
    await expect(outcome).rejects.toMatchObject({ name: 'KeychainUnavailableError', message: expect.stringMatching(/NoReply/) })
    expect(calls).toBe(2)
  })

  it('other failures (a locked keychain, a refused prompt) are not retried', async () => {
    const { guarded } = await import('./secretStore.ts')
    let calls = 0
    const outcome = guarded(
      async () => {
        calls += 1
        throw new Error("Couldn't access platform storage: Secret Service: unlock prompt was dismissed")
      },
      { retryAfterMs: 1 },
    )
    await expect(outcome).rejects.toMatchObject({ name: 'KeychainUnavailableError', message: expect.stringMatching(/dismissed/) })
    expect(calls).toBe(1)
  })
})
