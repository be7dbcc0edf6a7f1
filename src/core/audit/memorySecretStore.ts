import type { SecretStore } from '../credentials/secretStore.ts'

/**
 * A SecretStore in memory, for the audit trail's pure unit tests and the bench (which must not
 * fill the OS keychain). `items` is exposed so a test can play the attacker on the keychain.
 */
export function createMemorySecretStore(): SecretStore & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    get: async (account) => items.get(account),
    set: async (account, value) => {
      items.set(account, value)
    },
    delete: async (account) => items.delete(account),
  }
}
