import { beforeEach, describe, expect, it, vi } from 'vitest'

// How many native entries the store builds (each one sets the keychain backend up again,
// synchronously): the binding is replaced by a stand-in that counts them and keeps the items.
const native = vi.hoisted(() => ({ built: [] as string[], items: new Map<string, string>(), searches: 0, searchFails: false }))

vi.mock('@napi-rs/keyring', () => ({
  AsyncEntry: class {
    readonly service: string
    readonly account: string
    constructor(service: string, account: string) {
      this.service = service
      this.account = account
      native.built.push(account)
    }
    async getPassword() {
      return native.items.get(`${this.service}/${this.account}`) ?? null
    }
    async setPassword(value: string) {
      native.items.set(`${this.service}/${this.account}`, value)
    }
    async deleteCredential() {
      return native.items.delete(`${this.service}/${this.account}`)
    }
  },
  findCredentialsAsync: async (service: string) => {
    native.searches++
    if (native.searchFails) throw new Error('org.freedesktop.DBus.Error.ServiceUnknown')
    return [...native.items].filter(([key]) => key.startsWith(`${service}/`)).map(([key, password]) => ({ account: key.slice(service.length + 1), password }))
  },
}))

const { createOsSecretStore } = await import('./secretStore.ts')

beforeEach(() => {
  native.built.length = 0
  native.items.clear()
  native.searches = 0
  native.searchFails = false
})

describe('createOsSecretStore entries', () => {
  it('builds an entry per call by default (a keychain that appears later is picked up)', async () => {
    const store = createOsSecretStore('svc')
    await store.set('audit:head:t', 'h1')
    await store.set('audit:head:t', 'h2')
    expect(await store.get('audit:head:t')).toBe('h2')
    expect(native.built).toEqual(['audit:head:t', 'audit:head:t', 'audit:head:t'])
  })

  it('short-lived: builds one entry per account and still reads and writes the keychain on every call', async () => {
    const store = createOsSecretStore('svc', { shortLived: true })
    await store.set('audit:head:t', 'h1')
    await store.set('audit:head:t', 'h2')
    expect(await store.get('audit:key:t')).toBeUndefined()
    native.items.set('svc/audit:key:t', 'written by another process')
    expect(await store.get('audit:key:t')).toBe('written by another process')
    expect(await store.get('audit:head:t')).toBe('h2')
    expect(await store.delete('audit:head:t')).toBe(true)
    expect(native.built).toEqual(['audit:head:t', 'audit:key:t'])
  })

  it('short-lived: the first read of an item found by the start-up search builds no entry; later reads are live', async () => {
    native.items.set('svc/audit:key:t', 'k1')
    native.items.set('svc/audit:head:t', 'h1')
    native.items.set('other/audit:key:t', 'not this service')
    const store = createOsSecretStore('svc', { shortLived: true })
    expect(await store.get('audit:key:t')).toBe('k1')
    expect(native.built).toEqual([])
    native.items.set('svc/audit:key:t', 'k2')
    expect(await store.get('audit:key:t')).toBe('k2')
    expect(native.built).toEqual(['audit:key:t'])
    // A write makes the search's answer old: the read after it is live.
    await store.set('audit:head:t', 'h2')
    expect(await store.get('audit:head:t')).toBe('h2')
    expect(native.searches).toBe(1)
  })

  it("short-lived: retainOnly forgets the search's answers for other accounts (their reads go to the keychain)", async () => {
    native.items.set('svc/audit:key:t', 'k1')
    native.items.set('svc/credentials:sandbox', 'sandbox secret')
    native.items.set('svc/credentials:production', 'production secret')
    const store = createOsSecretStore('svc', { shortLived: true })
    store.retainOnly((account) => account.startsWith('audit:') || account === 'credentials:sandbox')
    // Changed behind the store's back: a forgotten answer is read again, a kept one is not.
    native.items.set('svc/credentials:production', 'production, changed')
    native.items.set('svc/credentials:sandbox', 'sandbox, changed')
    expect(await store.get('credentials:production')).toBe('production, changed')
    expect(native.built).toEqual(['credentials:production'])
    expect(await store.get('credentials:sandbox')).toBe('sandbox secret')
    expect(await store.get('audit:key:t')).toBe('k1')
    expect(native.built).toEqual(['credentials:production'])
  })

  it('short-lived: a failed start-up search leaves every read to the keychain itself', async () => {
    native.items.set('svc/audit:key:t', 'k1')
    native.searchFails = true
    const store = createOsSecretStore('svc', { shortLived: true })
    native.searchFails = false
    await Promise.resolve()
    expect(await store.get('audit:key:t')).toBe('k1')
    expect(native.built).toEqual(['audit:key:t'])
  })

  it('a long-lived store makes no start-up search', async () => {
    native.items.set('svc/audit:key:t', 'k1')
    const store = createOsSecretStore('svc')
    expect(await store.get('audit:key:t')).toBe('k1')
    expect(native.searches).toBe(0)
  })
})
