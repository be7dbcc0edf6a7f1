import type { Page } from '@playwright/test'

export type DriverName = 'electron' | 'browser'

/** What a spec gets: the app's window, and the few things only the harness can do. */
export interface AppHandle {
  driver: DriverName
  page: Page
  dataDir: string
  /** Stops the main side and starts it again on the same data folder, then reloads the window. */
  restart(): Promise<void>
  /** The next native save dialog answers with this path (stubbed at the OS-dialog boundary only). */
  answerSaveDialog(path: string): Promise<void>
  /** The next native open-file dialog answers with this path (stubbed at the OS-dialog boundary only). */
  answerOpenDialog(path: string): Promise<void>
  /** The next native confirmation (main's HostPlatform.confirm) answers with this, stubbed at the OS-dialog boundary only. */
  answerConfirmation(accept: boolean): Promise<void>
  /** The messages of the native confirmations shown so far. */
  confirmationsShown(): Promise<string[]>
  close(): Promise<void>
}

export interface LaunchOptions {
  dataDir: string
  keychainService: string
  /** Called with every bearer token the in-app training server issues (for the secret scan). */
  onTokenIssued(token: string): void
  /** Called with every Signature the in-app training server receives (for the secret scan). */
  onSignatureReceived?(signature: string): void
}
