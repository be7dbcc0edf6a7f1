import { AsyncEntry } from '@napi-rs/keyring'

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

/** The real keychain (Secret Service, macOS Keychain, Windows Credential Manager) via @napi-rs/keyring. */
export function createOsSecretStore(service: string): SecretStore {
  const entry = (account: string) => new AsyncEntry(service, account)
  return {
    get: (account) => guarded(async () => (await entry(account).getPassword()) ?? undefined),
    set: (account, value) => guarded(() => entry(account).setPassword(value)),
    delete: (account) =>
      guarded(async () => {
        if ((await entry(account).getPassword()) == null) return false
        return entry(account).deleteCredential()
      }),
  }
}
