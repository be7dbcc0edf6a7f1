import { z } from 'zod'
import type { Destination } from '../../shared/domain/destination.ts'
import type { EnvironmentId } from '../../shared/domain/environments.ts'
import type { CredentialStatus } from '../../shared/domain/environmentState.ts'
import type { Credentials } from '../protocol/types.ts'
import { KeychainUnavailableError, type SecretStore } from './secretStore.ts'

export type VaultEnvironment = Exclude<EnvironmentId, 'training'>

// apiOrigin/passportOrigin: the destination the credentials were entered for. Items written
// before credentials were bound have neither (resolveTarget.ts binds them on first use).
const storedSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  apiOrigin: z.string().min(1).optional(),
  passportOrigin: z.string().min(1).optional(),
})

export interface StoredCredentials {
  credentials: Credentials
  /** null for an item stored before credentials were bound to a destination. */
  boundTo: Destination | null
}

/**
 * Client id and secret per environment, with the destination they are bound to, kept
 * together as one keychain item so they can never drift apart. Only `status` leaves the main
 * process; `get`/`read` are for signing requests.
 */
export interface CredentialVault {
  status(environment: VaultEnvironment): Promise<CredentialStatus>
  get(environment: VaultEnvironment): Promise<Credentials | undefined>
  read(environment: VaultEnvironment): Promise<StoredCredentials | undefined>
  /** Stores credentials bound to `boundTo`; returns whether an existing item was replaced. */
  set(environment: VaultEnvironment, credentials: Credentials, boundTo: Destination): Promise<'set' | 'replaced'>
  /** Binds the stored credentials to another destination; false when none are stored. */
  bind(environment: VaultEnvironment, boundTo: Destination): Promise<boolean>
  delete(environment: VaultEnvironment): Promise<boolean>
  /** Checks that the keychain answers at all. */
  probe(): Promise<{ available: true } | { available: false; message: string }>
}

/** The keychain account holding an environment's client id and secret. */
export const credentialAccount = (environment: VaultEnvironment): string => `credentials:${environment}`

export function createCredentialVault(store: SecretStore): CredentialVault {
  const account = credentialAccount

  async function read(environment: VaultEnvironment): Promise<StoredCredentials | undefined> {
    const raw = await store.get(account(environment))
    if (raw === undefined) return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return undefined // an item we did not write; treated as absent, replaced on next set
    }
    const result = storedSchema.safeParse(parsed)
    if (!result.success) return undefined
    const { clientId, clientSecret, apiOrigin, passportOrigin } = result.data
    return { credentials: { clientId, clientSecret }, boundTo: apiOrigin && passportOrigin ? { apiOrigin, passportOrigin } : null }
  }

  const write = (environment: VaultEnvironment, credentials: Credentials, boundTo: Destination) =>
    store.set(
      account(environment),
      JSON.stringify({ clientId: credentials.clientId.trim(), clientSecret: credentials.clientSecret, apiOrigin: boundTo.apiOrigin, passportOrigin: boundTo.passportOrigin }),
    )

  return {
    async status(environment) {
      const stored = await read(environment)
      return { stored: stored !== undefined, clientId: stored?.credentials.clientId ?? null, boundTo: stored?.boundTo ?? null }
    },
    get: async (environment) => (await read(environment))?.credentials,
    read,
    async set(environment, credentials, boundTo) {
      const existed = (await store.get(account(environment))) !== undefined
      await write(environment, credentials, boundTo)
      return existed ? 'replaced' : 'set'
    },
    async bind(environment, boundTo) {
      const stored = await read(environment)
      if (!stored) return false
      await write(environment, stored.credentials, boundTo)
      return true
    },
    delete: (environment) => store.delete(account(environment)),
    async probe() {
      try {
        await store.get('probe')
        return { available: true }
      } catch (error) {
        if (error instanceof KeychainUnavailableError) return { available: false, message: error.message }
        throw error
      }
    },
  }
}
