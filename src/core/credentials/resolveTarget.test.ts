import { describe, expect, it } from 'vitest'
import type { AuditInput } from '../audit/types.ts'
import { defaultSettings, type Settings } from '../settings/settingsStore.ts'
import { createCredentialVault } from './credentialVault.ts'
import { createTargetResolver, type TargetResolverDeps } from './resolveTarget.ts'
import type { SecretStore } from './secretStore.ts'

// The binding rule on an in-memory keychain (the vault itself is tested on the real one).
function memoryStore(): SecretStore & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    get: async (account) => items.get(account),
    set: async (account, value) => void items.set(account, value),
    delete: async (account) => items.delete(account),
  }
}

const CREDS = { clientId: 'IKIA-BOUND', clientSecret: 'bound-secret-0123456789' }

function setup(extra: Partial<TargetResolverDeps> = {}) {
  const store = memoryStore()
  const vault = createCredentialVault(store)
  let settings: Settings = defaultSettings()
  settings.endpoints.custom = { baseUrl: 'https://api.bank.example/v1', passportUrl: 'https://passport.bank.example' }
  const audits: AuditInput[] = []
  const resolver = createTargetResolver({
    settings: { read: () => settings },
    vault,
    audit: { record: (input) => void audits.push(input) as never },
    trainingUrl: () => 'http://127.0.0.1:9',
    ...extra,
  })
  const setCustom = (baseUrl: string, passportUrl: string) => {
    settings = { ...settings, endpoints: { ...settings.endpoints, custom: { baseUrl, passportUrl } } }
  }
  return { store, vault, resolver, audits, setCustom }
}

const BOUND = { apiOrigin: 'https://api.bank.example', passportOrigin: 'https://passport.bank.example' }

describe('resolveTarget: credentials bound to their destination', () => {
  it('uses the credentials where they were entered for (a path change is the same destination)', async () => {
    const { vault, resolver, setCustom } = setup()
    await vault.set('custom', CREDS, BOUND)
    setCustom('https://api.bank.example/v2/', 'https://passport.bank.example')
    const r = await resolver.resolveTarget('custom')
    expect(r).toEqual({ ok: true, target: { baseUrl: 'https://api.bank.example/v2/', passportUrl: 'https://passport.bank.example', credentials: CREDS } })
  })

  it.each([
    ['passport host', 'https://api.bank.example', 'https://evil.example'],
    ['API host', 'https://api.other.example', 'https://passport.bank.example'],
    ['scheme', 'http://api.bank.example', 'https://passport.bank.example'],
    ['port', 'https://api.bank.example:8443', 'https://passport.bank.example'],
    ['user info trick', 'https://api.bank.example@evil.example', 'https://passport.bank.example'],
  ])('refuses when the %s changed, says why, and audits it', async (_what, baseUrl, passportUrl) => {
    const { vault, resolver, audits, setCustom } = setup()
    await vault.set('custom', CREDS, BOUND)
    setCustom(baseUrl, passportUrl)
    const r = await resolver.resolveTarget('custom')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.result).toMatchObject({ ok: false, error: { code: 'destination-changed', message: expect.stringMatching(/^Nothing was sent\..*entered for https:\/\/api\.bank\.example/) } })
    expect(JSON.stringify(r)).not.toContain(CREDS.clientSecret)
    expect(audits.map((a) => a.action)).toEqual(['credentials.destination-refused'])
    expect(audits[0]?.details).toMatchObject({ environment: 'custom', boundTo: BOUND })
    expect((await resolver.credentialState('custom')).destinationChanged).toBe(true)
  })

  it('a confirmed destination is used from then on, and the confirmation is audited', async () => {
    const { vault, resolver, audits, setCustom } = setup()
    await vault.set('custom', CREDS, BOUND)
    setCustom('https://api.new.example', 'https://passport.new.example')
    const change = await resolver.pendingChange('custom')
    expect(change).toEqual({ boundTo: BOUND, current: { apiOrigin: 'https://api.new.example', passportOrigin: 'https://passport.new.example' } })
    expect(await resolver.confirmDestination('custom', change!)).toBe(true)
    expect(await resolver.pendingChange('custom')).toBeUndefined()
    expect((await resolver.resolveTarget('custom')).ok).toBe(true)
    expect(audits.map((a) => a.action)).toEqual(['credentials.destination-confirm'])
    expect(await vault.read('custom')).toMatchObject({ credentials: CREDS })
  })

  it('credentials stored before bindings existed are bound to the current settings on first read (audited)', async () => {
    const { store, vault, resolver, audits, setCustom } = setup()
    store.items.set('credentials:custom', JSON.stringify(CREDS))
    expect((await resolver.resolveTarget('custom')).ok).toBe(true)
    expect((await vault.read('custom'))?.boundTo).toEqual(BOUND)
    expect(audits.map((a) => a.action)).toEqual(['credentials.bind'])
    // From then on a change is caught like any other.
    setCustom('https://api.bank.example', 'https://elsewhere.example')
    const r = await resolver.resolveTarget('custom')
    expect(r.ok ? 'sent' : r.result.ok ? '' : r.result.error.code).toBe('destination-changed')
  })

  it('credentials given for this call (the CLI environment variables) are not bound', async () => {
    const once = { clientId: 'IKIA-ENV', clientSecret: 'env-secret-0123456789' }
    const { vault, resolver } = setup({ credentialOverride: once, endpointOverride: { baseUrl: 'https://qa.example', passportUrl: 'https://qa.example' } })
    await vault.set('custom', CREDS, BOUND)
    expect(await resolver.resolveTarget('custom')).toEqual({ ok: true, target: { baseUrl: 'https://qa.example', passportUrl: 'https://qa.example', credentials: once } })
  })

  it('keychain credentials with a --base-url elsewhere are refused', async () => {
    const { vault, resolver } = setup({ endpointOverride: { baseUrl: 'https://qa.example', passportUrl: 'https://qa.example' } })
    await vault.set('custom', CREDS, BOUND)
    const r = await resolver.resolveTarget('custom')
    expect(r.ok ? 'sent' : r.result.ok ? '' : r.result.error.code).toBe('destination-changed')
  })

  it('without stored credentials: missing-credentials, nothing to confirm', async () => {
    const { resolver } = setup()
    const r = await resolver.resolveTarget('sandbox')
    expect(r.ok ? 'sent' : r.result.ok ? '' : r.result.error.code).toBe('missing-credentials')
    expect(await resolver.pendingChange('sandbox')).toBeUndefined()
    expect(await resolver.credentialState('sandbox')).toEqual({ credentials: { stored: false, clientId: null, boundTo: null }, destinationChanged: false })
  })
})
