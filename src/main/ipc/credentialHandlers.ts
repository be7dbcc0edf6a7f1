import { KeychainUnavailableError } from '../../core/credentials/secretStore.ts'
import { destinationOf } from '../../shared/domain/destination.ts'
import { ENVIRONMENT_LABELS } from '../../shared/domain/environments.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

/** Keychain failures become a typed answer; anything else is a defect and propagates. */
async function keychain<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof KeychainUnavailableError) return fail('keychain-unavailable', error.message)
    throw error
  }
}

export function credentialHandlers(ctx: MainContext): Pick<HandlerMap, 'setCredentials' | 'deleteCredentials'> {
  const { core } = ctx
  return {
    setCredentials: ({ environment, clientId, clientSecret }) =>
      keychain(async () => {
        // Bound to the destination the environment points to now (see resolveTarget.ts).
        const boundTo = destinationOf(core.settings.read().endpoints[environment])
        const how = await core.vault.set(environment, { clientId, clientSecret }, boundTo)
        // The audit names the client id, never the secret.
        core.audit.record({
          action: how === 'replaced' ? 'credentials.replace' : 'credentials.set',
          summary: `${how === 'replaced' ? 'Replaced' : 'Stored'} credentials for ${ENVIRONMENT_LABELS[environment]} (client id ${clientId.trim()})`,
          details: { environment, clientId: clientId.trim(), boundTo },
        })
        ctx.logger.info('credentials.' + how, { environment })
        return ok(await core.environmentsState())
      }),
    deleteCredentials: ({ environment }) =>
      keychain(async () => {
        const existed = await core.vault.delete(environment)
        if (existed) {
          core.audit.record({
            action: 'credentials.delete',
            summary: `Deleted credentials for ${ENVIRONMENT_LABELS[environment]}`,
            details: { environment },
          })
        }
        return ok(await core.environmentsState())
      }),
  }
}
