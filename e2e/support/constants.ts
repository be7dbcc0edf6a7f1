import { join } from 'node:path'

// Values the E2E suite plants so the secret scan can look for them afterwards.
export const ROOT = join(import.meta.dirname, '..', '..')
export const E2E_DATA_ROOT = join(ROOT, '.e2e-data')
/** Kept outside E2E_DATA_ROOT: the scan reads this list, it must not find the list itself. */
export const ISSUED_TOKENS_FILE = join(ROOT, '.e2e-tokens', 'issued-tokens.txt')
/** Every Signature the training servers received, for the same scan (kept beside the tokens). */
export const RECEIVED_SIGNATURES_FILE = join(ROOT, '.e2e-tokens', 'received-signatures.txt')
export const E2E_CREDENTIALS = {
  clientId: 'IKIAE2E0000000000000000000000000000000001',
  clientSecret: 'e2e-SECRET-must-never-leak-7f3a9c1d2b4e6f80',
} as const
/** One keychain service per run so tests never touch a real operator's entries. */
export const E2E_KEYCHAIN_SERVICE = process.env.OTP_CONSOLE_KEYCHAIN_SERVICE ?? 'otp-enrollment-console-e2e'
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Tag of the scenarios that also take the README's pictures (`npm run screenshots` runs only these). */
export const DOC_SCREENSHOT_TAG = '@doc-screenshot'

/** The README's pictures, each taken by one scenario tagged DOC_SCREENSHOT_TAG (`npm run screenshots`). */
export const DOC_PICTURES = ['enroll', 'history', 'history-dark', 'audit', 'bulk'] as const
export type DocPicture = (typeof DOC_PICTURES)[number]

/** The team database password typed in Settings (issue 14): the secret scan looks for it too. */
export const E2E_TEAM_PASSWORD = 'e2e-TEAM-pg-password-must-never-leak-5c8e21'
/** postgres:// URL of the PostgreSQL cluster e2e/run.ts starts for the run (specs make their own databases on it). */
export const E2E_PG_URL_ENV = 'OTP_E2E_PG_URL'
