import { homedir } from 'node:os'
import { join } from 'node:path'

/** The folder name Electron derives from package.json's productName. */
export const PRODUCT_NAME = 'OTP Enrollment Console'

/**
 * Where history, settings and logs live. The same folder Electron's `userData` resolves to,
 * so the console and the CLI share one history; OTP_CONSOLE_DATA_DIR overrides both.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OTP_CONSOLE_DATA_DIR) return env.OTP_CONSOLE_DATA_DIR
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME)
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME)
}

/** Keychain service name; tests give each run its own so they never touch real entries. */
export function keychainService(env: NodeJS.ProcessEnv = process.env): string {
  return env.OTP_CONSOLE_KEYCHAIN_SERVICE ?? 'otp-enrollment-console'
}
