import { describeDestination, destinationOf, sameDestination, type Destination } from '../../shared/domain/destination.ts'
import { ENVIRONMENT_LABELS, TRAINING_CREDENTIALS, type EnvironmentEndpoints, type EnvironmentId } from '../../shared/domain/environments.ts'
import type { CredentialStatus } from '../../shared/domain/environmentState.ts'
import { fail } from '../../shared/domain/result.ts'
import type { AuditTrail } from '../audit/types.ts'
import type { TargetResolution } from '../enroll/enrollService.ts'
import type { Credentials } from '../protocol/types.ts'
import type { SettingsStore } from '../settings/settingsStore.ts'
import type { CredentialVault, StoredCredentials, VaultEnvironment } from './credentialVault.ts'
import { KeychainUnavailableError } from './secretStore.ts'

// Which credentials an enrollment uses, and where they may go. Keychain credentials are bound
// to the destination (API and Passport origins) they were entered for: when the environment's
// URLs point elsewhere — changed in Settings or in settings.json behind the app's back — they
// are not used until the operator confirms the new destination (main's native dialog) or
// enters them again. Nothing is sent and no history row is written for a refused enrollment;
// the refusal is an audit entry.

export interface TargetResolverDeps {
  settings: Pick<SettingsStore, 'read'>
  vault: CredentialVault
  audit: Pick<AuditTrail, 'record'>
  /** URL of the running training server, when one runs in this process. */
  trainingUrl: () => string | undefined
  /** Credentials given for this call only (the CLI's OTP_CLIENT_ID/OTP_CLIENT_SECRET): not bound. */
  credentialOverride?: Credentials | undefined
  /** Base URLs that replace the settings' (the CLI's --base-url). */
  endpointOverride?: EnvironmentEndpoints | undefined
}

export interface DestinationChange {
  boundTo: Destination
  current: Destination
}

export interface TargetResolver {
  resolveTarget(environment: EnvironmentId): Promise<TargetResolution>
  /** What the window may know about an environment's credentials, and whether its destination changed. */
  credentialState(environment: VaultEnvironment): Promise<{ credentials: CredentialStatus; destinationChanged: boolean }>
  /** The settings' destination when it differs from the stored credentials' binding; undefined otherwise. */
  pendingChange(environment: VaultEnvironment): Promise<DestinationChange | undefined>
  /** Binds the stored credentials to `destination` (after the operator confirmed it); audited. */
  confirmDestination(environment: VaultEnvironment, change: DestinationChange): Promise<boolean>
}

export function createTargetResolver(deps: TargetResolverDeps): TargetResolver {
  const label = (environment: EnvironmentId) => ENVIRONMENT_LABELS[environment]
  const settingsDestination = (environment: VaultEnvironment) => destinationOf(deps.settings.read().endpoints[environment])

  /**
   * The stored credentials with their binding. An item stored before bindings existed is
   * bound, on this first read, to the destination the settings name now (audited), so that
   * any later change is caught.
   */
  async function bound(environment: VaultEnvironment): Promise<(StoredCredentials & { boundTo: Destination }) | undefined> {
    const stored = await deps.vault.read(environment)
    if (!stored) return undefined
    if (stored.boundTo) return { ...stored, boundTo: stored.boundTo }
    const current = settingsDestination(environment)
    await deps.vault.bind(environment, current)
    deps.audit.record({
      action: 'credentials.bind',
      summary: `Credentials for ${label(environment)} (stored before destinations were recorded) bound to ${describeDestination(current)}`,
      details: { environment, boundTo: current },
    })
    return { ...stored, boundTo: current }
  }

  async function resolveTarget(environment: EnvironmentId): Promise<TargetResolution> {
    if (environment === 'training') {
      const url = deps.trainingUrl()
      if (!url) return { ok: false, result: fail('internal', 'The training server is not running.') }
      return { ok: true, target: { baseUrl: url, passportUrl: url, credentials: TRAINING_CREDENTIALS } }
    }
    const endpoints = deps.endpointOverride ?? deps.settings.read().endpoints[environment]
    if (deps.credentialOverride) {
      return { ok: true, target: { baseUrl: endpoints.baseUrl, passportUrl: endpoints.passportUrl, credentials: deps.credentialOverride } }
    }
    let stored: Awaited<ReturnType<typeof bound>>
    try {
      stored = await bound(environment)
    } catch (error) {
      if (error instanceof KeychainUnavailableError) return { ok: false, result: fail('keychain-unavailable', error.message) }
      throw error
    }
    if (!stored) {
      return { ok: false, result: fail('missing-credentials', `No client id and secret are stored for ${label(environment)}. Add them in Settings.`) }
    }
    const current = destinationOf(endpoints)
    if (!sameDestination(stored.boundTo, current)) {
      deps.audit.record({
        action: 'credentials.destination-refused',
        summary: `Enrollment on ${label(environment)} refused before sending: its URLs point to ${describeDestination(current)}, its credentials were entered for ${describeDestination(stored.boundTo)}`,
        details: { environment, boundTo: stored.boundTo, current },
      })
      return {
        ok: false,
        result: fail(
          'destination-changed',
          `Nothing was sent. The ${label(environment)} URLs now point to ${describeDestination(current)}, but its credentials were entered for ${describeDestination(stored.boundTo)}. They are not used until the new destination is confirmed or the credentials are entered again.`,
        ),
      }
    }
    return { ok: true, target: { baseUrl: endpoints.baseUrl, passportUrl: endpoints.passportUrl, credentials: stored.credentials } }
  }

  async function pendingChange(environment: VaultEnvironment): Promise<DestinationChange | undefined> {
    const stored = await bound(environment)
    if (!stored) return undefined
    const current = settingsDestination(environment)
    return sameDestination(stored.boundTo, current) ? undefined : { boundTo: stored.boundTo, current }
  }

  return {
    resolveTarget,
    async credentialState(environment) {
      const stored = await bound(environment)
      if (!stored) return { credentials: { stored: false, clientId: null, boundTo: null }, destinationChanged: false }
      return {
        credentials: { stored: true, clientId: stored.credentials.clientId, boundTo: stored.boundTo },
        destinationChanged: !sameDestination(stored.boundTo, settingsDestination(environment)),
      }
    },
    pendingChange,
    async confirmDestination(environment, change) {
      if (!(await deps.vault.bind(environment, change.current))) return false
      deps.audit.record({
        action: 'credentials.destination-confirm',
        summary: `Operator confirmed the new destination of ${label(environment)}: ${describeDestination(change.current)} (was ${describeDestination(change.boundTo)})`,
        details: { environment, from: change.boundTo, to: change.current },
      })
      return true
    },
  }
}
