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
