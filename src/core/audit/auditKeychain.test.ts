import { describe, expect, it } from 'vitest'
import { createHeadWriter, headAccount, parseHead, type EntryState } from './auditKeychain.ts'
import { createMemorySecretStore } from './memorySecretStore.ts'

// The head writer's timing (THE HEAD RULE in auditKeychain.ts): written in the background,
// after the caller's next step, coalesced to the newest entry, complete once flush() resolves.

const BASE = { trail: 'trail-1', keyId: 'key-1', keyedFrom: 1 }

function spiedStore() {
  const store = createMemorySecretStore()
  const writes: string[] = []
  const set = store.set
  store.set = async (account, value) => {
    writes.push(value)
    await set(account, value)
  }
  return { store, writes }
}

describe('createHeadWriter', () => {
  it('leaves the keychain alone while the caller carries on, then writes the head before flush() resolves', async () => {
    const { store, writes } = spiedStore()
    const head = createHeadWriter(store, BASE, () => {})
    head.advance(2, 'hash-2')
    await Promise.resolve() // the caller's next awaits: still nothing written
    expect(writes).toEqual([])
    await head.flush()
    expect(parseHead(store.items.get(headAccount('trail-1')))).toEqual({ ...BASE, seq: 2, hash: 'hash-2' })
  })

  it('writes only the newest of the entries advanced meanwhile, and never goes back to an older one', async () => {
    const { store, writes } = spiedStore()
    const head = createHeadWriter(store, BASE, () => {})
    head.advance(2, 'hash-2')
    head.advance(4, 'hash-4')
    head.advance(3, 'hash-3')
    await head.flush()
    expect(writes.map((raw) => parseHead(raw)?.seq)).toEqual([4])
    head.advance(5, 'hash-5')
    await head.flush()
    expect(parseHead(store.items.get(headAccount('trail-1')))?.seq).toBe(5)
  })

  it('reports a failed write and keeps going', async () => {
    const store = createMemorySecretStore()
    const errors: unknown[] = []
    store.set = async () => {
      throw new Error('keychain gone')
    }
    const head = createHeadWriter(store, BASE, (error) => errors.push(error))
    head.advance(2, 'hash-2')
    await head.flush()
    expect(errors).toHaveLength(1)
    expect(store.items.size).toBe(0)
  })

  it('names an entry written inside a caller\'s transaction only once it is committed, and drops one rolled back', async () => {
    const { store, writes } = spiedStore()
    const states = new Map<number, EntryState>([[2, 'in-transaction']])
    const head = createHeadWriter(store, BASE, () => {}, (seq) => states.get(seq) ?? 'absent')
    head.advanceWhenCommitted(2, 'hash-2')
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toEqual([]) // still in the transaction: nothing named yet
    states.set(2, 'committed')
    await head.flush()
    expect(writes.map((raw) => parseHead(raw)?.seq)).toEqual([2])

    head.advanceWhenCommitted(3, 'hash-3') // rolled back: never in the file
    await head.flush()
    expect(writes.map((raw) => parseHead(raw)?.seq)).toEqual([2])
  })
})
