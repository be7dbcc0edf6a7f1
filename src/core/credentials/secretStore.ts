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

/**
 * D-Bus errors that mean the Secret Service went away in the middle of a call (GNOME Keyring can
 * abort when a burst of short-lived clients races it, and is then restarted by systemd or D-Bus
 * activation), as opposed to an answer from a service that is there.
 */
const SERVICE_VANISHED = /\b(NoReply|ServiceUnknown|Disconnected|UnknownObject|NoSession)\b/

/** Wait before the one retry: long enough for the service to be started again. */
const RETRY_AFTER_MS = 250

/**
 * Runs a keychain call, once more if the service vanished during it (every call here is safe to
 * repeat: reads, a set that replaces, a delete), and turns failures into KeychainUnavailableError.
 * `onRetry` lets the caller drop anything tied to the vanished service.
 */
export async function guarded<T>(
  work: () => Promise<T>,
  options: { onRetry?: () => void; retryAfterMs?: number } = {},
): Promise<T> {
  try {
    return await work()
  } catch (first) {
    if (!SERVICE_VANISHED.test(describe(first))) throw unavailable(first)
    options.onRetry?.()
    await new Promise((resolve) => setTimeout(resolve, options.retryAfterMs ?? RETRY_AFTER_MS))
    try {
      return await work()
    } catch (second) {
      throw unavailable(second)
    }
  }
}

function unavailable(error: unknown): KeychainUnavailableError {
  return new KeychainUnavailableError(`No usable OS keychain (${describe(error)}). ${HELP}`)
}

/**
 * The real keychain (Secret Service, macOS Keychain, Windows Credential Manager) via
 * @napi-rs/keyring. Its getPassword answers null both for "no such item" and for "no keychain
 * at all" (no D-Bus session, no Secret Service), so a null is confirmed with a search, which
 * does fail when the keychain is unreachable.
 */
/** The OS keychain store; `retainOnly` matters to a short-lived one only (see below). */
export interface OsSecretStore extends SecretStore {
  /**
   * Forgets the start-up search's answers for every account `keep` refuses (a read of one then
   * goes to the keychain): the CLI keeps the audit's items and the credentials of the
   * environment it uses, so no other environment's secret stays in the process unread.
   */
  retainOnly(keep: (account: string) => boolean): void
}

export function createOsSecretStore(service: string, options: { shortLived?: boolean } = {}): OsSecretStore {
  // Building an entry sets the native backend up again, synchronously (on Linux a Secret
  // Service connection and search: ~10 ms with the event loop blocked); an entry caches no
  // value, each operation reads or writes the keychain itself. A long-lived process builds
  // them per call, so that a keychain which appears later (unlocked, started) is picked up.
  // A short-lived one (the CLI) keeps one entry per account (it writes the audit head twice
  // per enrollment), and starts one search for all of the service's items as the store is
  // made: it runs off the main thread while the process loads the rest of the core, and
  // answers the first read of each account it found (the audit key, the stored credentials)
  // without building an entry. Later reads, and any read after a write, go to the keychain.
  const entries = new Map<string, AsyncEntry>()
  const entry = (account: string) => {
    if (!options.shortLived) return new AsyncEntry(service, account)
    let kept = entries.get(account)
    if (!kept) entries.set(account, (kept = new AsyncEntry(service, account)))
    return kept
  }
  const reachable = () => findCredentialsAsync(service)
  // A failed search (no keychain, locked) answers nothing: the reads then say why, live.
  const found: Promise<Map<string, string>> = options.shortLived
    ? reachable().then(
        (items) => new Map(items.map((item) => [item.account, item.password])),
        () => new Map(),
      )
    : Promise.resolve(new Map())
  const forget = async (account: string) => (await found).delete(account)
  // A kept entry may hold a session with the vanished service: the retry builds a new one.
  const retry = { onRetry: () => entries.clear() }
  return {
    retainOnly(keep) {
      void found.then((items) => {
        for (const account of [...items.keys()]) if (!keep(account)) items.delete(account)
      })
    },
    get: async (account) => {
      const items = await found
      const early = items.get(account)
      if (early !== undefined) {
        items.delete(account)
        return early
      }
      return guarded(async () => {
        const value = await entry(account).getPassword()
        if (value != null) return value
        await reachable()
        return undefined
      }, retry)
    },
    set: async (account, value) => {
      await forget(account)
      return guarded(() => entry(account).setPassword(value), retry)
    },
    delete: async (account) => {
      await forget(account)
      return guarded(async () => {
        if ((await entry(account).getPassword()) == null) {
          await reachable()
          return false
        }
        return entry(account).deleteCredential()
      }, retry)
    },
  }
}
