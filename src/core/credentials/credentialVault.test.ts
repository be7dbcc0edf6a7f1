import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createCredentialVault } from './credentialVault.ts'
import { createOsSecretStore } from './secretStore.ts'

// Runs against the real OS keychain: in CI a GNOME Keyring Secret Service unlocked inside
// dbus-run-session (see .ci/run). Each test uses its own service name and cleans up.
const service = `otp-console-test-${randomUUID()}`
const store = createOsSecretStore(service)
const vault = createCredentialVault(store)
const HERE = { apiOrigin: 'https://api.example', passportOrigin: 'https://passport.example' }
const THERE = { apiOrigin: 'https://other.example', passportOrigin: 'https://other.example' }

afterEach(async () => {
  for (const env of ['sandbox', 'production', 'custom'] as const) await vault.delete(env)
})

describe('credential vault on the real OS keychain', () => {
  it('reports the keychain as available', async () => {
    expect(await vault.probe()).toEqual({ available: true })
  })

  it('stores, reads back, replaces and deletes credentials', async () => {
    expect(await vault.status('sandbox')).toEqual({ stored: false, clientId: null, boundTo: null })

    expect(await vault.set('sandbox', { clientId: 'IKIA-ONE', clientSecret: 'secret-one' }, HERE)).toBe('set')
    expect(await vault.get('sandbox')).toEqual({ clientId: 'IKIA-ONE', clientSecret: 'secret-one' })
    expect(await vault.status('sandbox')).toEqual({ stored: true, clientId: 'IKIA-ONE', boundTo: HERE })

    expect(await vault.set('sandbox', { clientId: 'IKIA-TWO', clientSecret: 'secret-two' }, HERE)).toBe('replaced')
    expect(await vault.get('sandbox')).toEqual({ clientId: 'IKIA-TWO', clientSecret: 'secret-two' })

    expect(await vault.delete('sandbox')).toBe(true)
    expect(await vault.get('sandbox')).toBeUndefined()
    expect(await vault.delete('sandbox')).toBe(false)
  })

  it('keeps environments apart', async () => {
    await vault.set('sandbox', { clientId: 'S', clientSecret: 's' }, HERE)
    await vault.set('production', { clientId: 'P', clientSecret: 'p' }, HERE)
    expect((await vault.get('sandbox'))?.clientId).toBe('S')
    expect((await vault.get('production'))?.clientId).toBe('P')
    expect(await vault.status('custom')).toEqual({ stored: false, clientId: null, boundTo: null })
  })

  it('the status never carries the secret', async () => {
    await vault.set('custom', { clientId: 'C', clientSecret: 'do-not-leak-me' }, HERE)
    expect(JSON.stringify(await vault.status('custom'))).not.toContain('do-not-leak-me')
  })

  it('an item written by someone else is treated as absent, not trusted', async () => {
    await store.set('credentials:custom', 'not json')
    expect(await vault.get('custom')).toBeUndefined()
    expect(await vault.status('custom')).toEqual({ stored: false, clientId: null, boundTo: null })
  })

  it('keeps the destination with the credentials, and rebinding keeps the secret', async () => {
    await vault.set('custom', { clientId: 'C', clientSecret: 'kept-secret' }, HERE)
    expect(await vault.read('custom')).toEqual({ credentials: { clientId: 'C', clientSecret: 'kept-secret' }, boundTo: HERE })
    expect(await vault.bind('custom', THERE)).toBe(true)
    expect(await vault.read('custom')).toEqual({ credentials: { clientId: 'C', clientSecret: 'kept-secret' }, boundTo: THERE })
    expect(await vault.bind('sandbox', THERE)).toBe(false)
    expect(await vault.read('sandbox')).toBeUndefined()
  })

  it('an item stored before bindings existed reads as unbound', async () => {
    await store.set('credentials:custom', JSON.stringify({ clientId: 'OLD', clientSecret: 'old-secret' }))
    expect(await vault.read('custom')).toEqual({ credentials: { clientId: 'OLD', clientSecret: 'old-secret' }, boundTo: null })
  })
})
