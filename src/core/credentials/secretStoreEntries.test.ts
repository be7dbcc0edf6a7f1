import { beforeEach, describe, expect, it, vi } from 'vitest'

// How many native entries the store builds (each one sets the keychain backend up again,
// synchronously): the binding is replaced by a stand-in that counts them and keeps the items.
const native = vi.hoisted(() => ({ built: [] as string[], items: new Map<string, string>() }))

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
  findCredentialsAsync: async () => [],
}))

const { createOsSecretStore } = await import('./secretStore.ts')

beforeEach(() => {
  native.built.length = 0
  native.items.clear()
})

describe('createOsSecretStore entries', () => {
  it('builds an entry per call by default (a keychain that appears later is picked up)', async () => {
    const store = createOsSecretStore('svc')
    await store.set('audit:head:t', 'h1')
    await store.set('audit:head:t', 'h2')
    expect(await store.get('audit:head:t')).toBe('h2')
    expect(native.built).toEqual(['audit:head:t', 'audit:head:t', 'audit:head:t'])
  })

  it('with reuseEntries, builds one entry per account and still reads and writes the keychain on every call', async () => {
    const store = createOsSecretStore('svc', { reuseEntries: true })
    await store.set('audit:head:t', 'h1')
    await store.set('audit:head:t', 'h2')
    expect(await store.get('audit:key:t')).toBeUndefined()
    native.items.set('svc/audit:key:t', 'written by another process')
    expect(await store.get('audit:key:t')).toBe('written by another process')
    expect(await store.get('audit:head:t')).toBe('h2')
    expect(await store.delete('audit:head:t')).toBe(true)
    expect(native.built).toEqual(['audit:head:t', 'audit:key:t'])
  })
})
