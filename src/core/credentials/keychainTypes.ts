// What the rest of the code needs to know about the keychain, without loading its native
// binding (secretStore.ts): the CLI's light start-up imports these.

/** The OS keychain as the vault sees it: one password string per account name. */
export interface SecretStore {
  get(account: string): Promise<string | undefined>
  set(account: string, value: string): Promise<void>
  delete(account: string): Promise<boolean>
}

/** Raised when no OS keychain can be used; there is deliberately no plaintext fallback. */
export class KeychainUnavailableError extends Error {
  override name = 'KeychainUnavailableError'
}
