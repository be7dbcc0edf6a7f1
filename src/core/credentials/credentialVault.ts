import { z } from 'zod'
import type { EnvironmentId } from '../../shared/domain/environments.ts'
import type { CredentialStatus } from '../../shared/domain/environmentState.ts'
import type { Credentials } from '../protocol/types.ts'
import { KeychainUnavailableError, type SecretStore } from './secretStore.ts'

export type VaultEnvironment = Exclude<EnvironmentId, 'training'>

const storedSchema = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })

/**
 * Client id and secret per environment, kept together as one keychain item so they can never
 * drift apart. Only `status` leaves the main process; `get` is for signing requests.
 */
export interface CredentialVault {
  status(environment: VaultEnvironment): Promise<CredentialStatus>
  get(environment: VaultEnvironment): Promise<Credentials | undefined>
  /** Returns whether an existing item was replaced. */
  set(environment: VaultEnvironment, credentials: Credentials): Promise<'set' | 'replaced'>
  delete(environment: VaultEnvironment): Promise<boolean>
  /** Checks that the keychain answers at all. */
  probe(): Promise<{ available: true } | { available: false; message: string }>
}

export function createCredentialVault(store: SecretStore): CredentialVault {
  const account = (environment: VaultEnvironment) => `credentials:${environment}`

  async function get(environment: VaultEnvironment): Promise<Credentials | undefined> {
    const raw = await store.get(account(environment))
    if (raw === undefined) return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return undefined // an item we did not write; treated as absent, replaced on next set
    }
    const result = storedSchema.safeParse(parsed)
    return result.success ? result.data : undefined
  }

  return {
    async status(environment) {
      const credentials = await get(environment)
      return { stored: credentials !== undefined, clientId: credentials?.clientId ?? null }
    },
    get,
    async set(environment, credentials) {
      const existed = (await store.get(account(environment))) !== undefined
      await store.set(account(environment), JSON.stringify({ clientId: credentials.clientId.trim(), clientSecret: credentials.clientSecret }))
      return existed ? 'replaced' : 'set'
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
