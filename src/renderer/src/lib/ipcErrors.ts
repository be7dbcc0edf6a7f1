import type { AppError } from '../../../shared/domain/result.ts'

// Every IPC error code in plain words, and whether Settings is where the operator can fix it.

export interface ErrorView {
  title: string
  /** The main process's own message (already plain words), plus our advice. */
  message: string
  advice: string
  settingsLink: boolean
  fields: Record<string, string>
}

export function describeAppError(error: AppError, environmentLabel = 'this environment'): ErrorView {
  const base = { message: error.message, fields: error.fields ?? {}, settingsLink: false }
  switch (error.code) {
    case 'invalid-input':
      return { ...base, title: 'Some values were not accepted', advice: 'Correct the highlighted fields and try again.' }
    case 'forbidden':
      return {
        ...base,
        title: 'Request refused',
        advice: 'The console refused a request that did not come from its own window. Restart the console; if it happens again, report it.',
      }
    case 'keychain-unavailable':
      return {
        ...base,
        title: 'OS keychain not available',
        advice: 'Credentials are kept only in the operating system’s keychain. Install or unlock it (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager), then restart the console.',
        settingsLink: true,
      }
    case 'missing-credentials':
      return {
        ...base,
        title: `No credentials for ${environmentLabel}`,
        advice: `Add the client id and secret for ${environmentLabel} in Settings, or switch to Training to practise.`,
        settingsLink: true,
      }
    case 'destination-changed':
      return {
        ...base,
        title: `${environmentLabel} now points somewhere else`,
        advice:
          'The credentials are used only where they were entered for. If the new address is right, choose “Confirm new destination” and answer the system dialog; otherwise correct the URLs or enter the credentials for that server in Settings.',
        settingsLink: true,
      }
    case 'confirmation-required':
      return {
        ...base,
        title: 'Confirmation needed',
        advice: 'Nothing was sent. Send again and confirm deliberately when asked.',
      }
    case 'busy':
      return {
        ...base,
        title: 'Another enrollment is in progress',
        advice: 'Only one enrollment is sent at a time. Wait for the current one to finish, then try again.',
      }
    case 'not-found':
      return { ...base, title: 'Not found', advice: 'It may have been removed. Refresh and try again.' }
    case 'bad-file':
      return { ...base, title: 'This file cannot be used', advice: 'Nothing was sent. Correct the file (or the column mapping) and pick it again.' }
    case 'internal':
      return {
        ...base,
        title: 'Something went wrong inside the console',
        advice: 'Nothing more is known here. The log folder (Settings → About) has the details; report it if it happens again.',
      }
    default:
      return { ...base, title: 'Unexpected error', advice: 'Report this message if it happens again.' }
  }
}
