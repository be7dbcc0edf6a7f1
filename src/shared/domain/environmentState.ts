import type { EnvironmentId } from './environments.ts'

// What the window may know about environments and their credentials (never a secret).

export interface CredentialStatus {
  stored: boolean
  /** The client id is not secret and helps the operator tell keys apart. */
  clientId: string | null
}

export interface EnvironmentView {
  id: EnvironmentId
  label: string
  baseUrl: string
  passportUrl: string
  editable: boolean
  credentials: CredentialStatus
}

export interface EnvironmentsState {
  active: EnvironmentId
  environments: EnvironmentView[]
  keychain: { available: true } | { available: false; message: string }
}
