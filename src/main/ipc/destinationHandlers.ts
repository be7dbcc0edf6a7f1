import { KeychainUnavailableError } from '../../core/credentials/secretStore.ts'
import { describeDestination } from '../../shared/domain/destination.ts'
import { ENVIRONMENT_LABELS } from '../../shared/domain/environments.ts'
import { fail, ok } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'

/**
 * The operator confirms an environment's new destination in a native dialog shown by main:
 * the window can only ask for the dialog, never answer it. What the dialog showed is what
 * gets bound, so a change made while it was open is caught again on the next send.
 */
export function destinationHandlers(ctx: MainContext): Pick<HandlerMap, 'confirmDestination'> {
  const { core } = ctx
  return {
    confirmDestination: async ({ environment }) => {
      try {
        const change = await core.destinations.pendingChange(environment)
        if (!change) return ok({ confirmed: false, environments: await core.environmentsState() })
        const label = ENVIRONMENT_LABELS[environment]
        const confirmed = await ctx.host.confirm({
          title: `Confirm the new ${label} destination`,
          message: `Send the ${label} credentials to ${describeDestination(change.current)}?`,
          detail: `They were entered for ${describeDestination(change.boundTo)}. The client secret will be used to sign requests to the new destination. Confirm only if this server belongs to the same organisation; otherwise cancel and enter the credentials for that server.`,
          confirmLabel: 'Send credentials there',
          cancelLabel: 'Cancel',
        })
        if (confirmed) await core.destinations.confirmDestination(environment, change)
        ctx.logger.info('credentials.destination-confirmation', { environment, confirmed })
        return ok({ confirmed, environments: await core.environmentsState() })
      } catch (error) {
        if (error instanceof KeychainUnavailableError) return fail('keychain-unavailable', error.message)
        throw error
      }
    },
  }
}
