import { AsyncEntry, findCredentialsAsync } from '@napi-rs/keyring'

import { KeychainUnavailableError, type SecretStore } from './keychainTypes.ts'

export { KeychainUnavailableError, type SecretStore }

const HELP =
  'The console keeps credentials only in the OS keychain. On Linux, install and unlock GNOME Keyring or KWallet (a Secret Service provider) and sign in again; on macOS and Windows the system keychain is used.'

/** Keeps the first line of the native error (it carries a Rust backtrace after that). */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]?.trim() || 'unknown error'
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw new KeychainUnavailableError(`No usable OS keychain (${describe(error)}). ${HELP}`)
  }
}

/**
 * The real keychain (Secret Service, macOS Keychain, Windows Credential Manager) via
 * @napi-rs/keyring. Its getPassword answers null both for "no such item" and for "no keychain
 * at all" (no D-Bus session, no Secret Service), so a null is confirmed with a search, which
 * does fail when the keychain is unreachable.
 */
export function createOsSecretStore(service: string, options: { reuseEntries?: boolean } = {}): SecretStore {
  // Building an entry sets the native backend up again, synchronously (on Linux a Secret
  // Service connection and search: ~10 ms with the event loop blocked); an entry caches no
  // value, each operation reads or writes the keychain itself. A short-lived process (the CLI, which writes the audit head
  // twice per enrollment) keeps one entry per account; a long-lived one builds them per call,
  // so that a keychain which appears later (unlocked, started) is picked up.
  const entries = new Map<string, AsyncEntry>()
  const entry = (account: string) => {
    if (!options.reuseEntries) return new AsyncEntry(service, account)
    let kept = entries.get(account)
    if (!kept) entries.set(account, (kept = new AsyncEntry(service, account)))
    return kept
  }
  const reachable = () => findCredentialsAsync(service)
  return {
    get: (account) =>
      guarded(async () => {
        const value = await entry(account).getPassword()
        if (value != null) return value
        await reachable()
        return undefined
      }),
    set: (account, value) => guarded(() => entry(account).setPassword(value)),
    delete: (account) =>
      guarded(async () => {
        if ((await entry(account).getPassword()) == null) {
          await reachable()
          return false
        }
        return entry(account).deleteCredential()
      }),
  }
}
