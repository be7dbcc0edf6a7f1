import type { Destination } from './destination.ts'
import type { EnvironmentId } from './environments.ts'

// What the window may know about environments and their credentials (never a secret).

export interface CredentialStatus {
  stored: boolean
  /** The client id is not secret and helps the operator tell keys apart. */
  clientId: string | null
  /** The destination the credentials were entered (or last confirmed) for; absent when none are stored. */
  boundTo?: Destination | null
}

export interface EnvironmentView {
  id: EnvironmentId
  label: string
  baseUrl: string
  passportUrl: string
  editable: boolean
  credentials: CredentialStatus
  /** The URLs now point somewhere else than the stored credentials were bound to: sending is refused until confirmed. */
  destinationChanged?: boolean
}

export interface EnvironmentsState {
  active: EnvironmentId
  environments: EnvironmentView[]
  keychain: { available: true } | { available: false; message: string }
}
