import { DEFAULT_TEAM_PORT, isTeamTlsMode, teamSettingsSchema, type TeamConfigSource, type TeamSettings } from '../../shared/domain/team.ts'
import type { SecretStore } from '../credentials/keychainTypes.ts'

/*
 * Which team database the console uses, and with which password:
 *   1. OTP_CONSOLE_TEAM_DB (a postgres:// URL without a password) when set, else
 *   2. the team settings (settings.json `team`), else none (the console works alone).
 * The password: PGPASSWORD when set, else the keychain item TEAM_PASSWORD_ACCOUNT, which is
 * bound to the target it was entered for (user@host:port/database) and is not used for another
 * one, so changing the host never sends the old password there. A password may be absent
 * (trust or certificate authentication).
 */

export const TEAM_DB_ENV = 'OTP_CONSOLE_TEAM_DB'
export const TEAM_PASSWORD_ACCOUNT = 'team-database'

export interface TeamConnection {
  settings: TeamSettings
  source: TeamConfigSource
  /** user@host:port/database: names the target in status, logs and audit (never a password). */
  target: string
  password: string | undefined
  passwordSource: 'PGPASSWORD' | 'keychain' | 'none'
}

export class TeamConfigError extends Error {
  override name = 'TeamConfigError'
}

export function teamTarget(settings: Pick<TeamSettings, 'user' | 'host' | 'port' | 'database'>): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host
  return `${settings.user}@${host}:${settings.port}/${settings.database}`
}

/**
 * Reads OTP_CONSOLE_TEAM_DB: postgres://user@host[:port]/database[?sslmode=…&sslrootcert=…].
 * A URL carrying a password is refused (it would sit in the environment, shell history and
 * process lists): the password comes from the keychain or PGPASSWORD.
 */
export function parseTeamUrl(text: string): TeamSettings {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new TeamConfigError(`${TEAM_DB_ENV} is not a URL (expected postgres://user@host:port/database).`)
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new TeamConfigError(`${TEAM_DB_ENV} must start with postgres:// (found ${url.protocol}//).`)
  if (url.password !== '') throw new TeamConfigError(`${TEAM_DB_ENV} must not contain a password: store it in the keychain (Settings → Team) or set PGPASSWORD.`)
  const user = decodeURIComponent(url.username)
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (!user) throw new TeamConfigError(`${TEAM_DB_ENV} names no user (postgres://user@host:port/database).`)
  if (!database) throw new TeamConfigError(`${TEAM_DB_ENV} names no database (postgres://user@host:port/database).`)
  for (const key of url.searchParams.keys()) {
    if (key !== 'sslmode' && key !== 'sslrootcert') throw new TeamConfigError(`${TEAM_DB_ENV}: unsupported parameter ${key} (only sslmode and sslrootcert).`)
  }
  const sslmode = url.searchParams.get('sslmode') ?? 'disable'
  if (!isTeamTlsMode(sslmode)) throw new TeamConfigError(`${TEAM_DB_ENV}: sslmode must be disable, require, verify-ca or verify-full (found ${sslmode}).`)
  const parsed = teamSettingsSchema.safeParse({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : DEFAULT_TEAM_PORT,
    database,
    user,
    tlsMode: sslmode,
    caFile: url.searchParams.get('sslrootcert'),
  })
  if (!parsed.success) throw new TeamConfigError(`${TEAM_DB_ENV}: ${parsed.error.issues.map((i) => i.message).join('; ')}`)
  return parsed.data
}

/** The keychain item: the password with the target it was entered for. */
interface StoredPassword {
  target: string
  password: string
}

export interface TeamPasswordStore {
  /** The password stored for `target`, undefined if none or stored for another target. */
  get(target: string): Promise<string | undefined>
  set(target: string, password: string): Promise<void>
  delete(): Promise<boolean>
  /** The target the stored password was entered for, undefined if none. */
  storedTarget(): Promise<string | undefined>
}

export function createTeamPasswordStore(store: SecretStore): TeamPasswordStore {
  async function read(): Promise<StoredPassword | undefined> {
    const raw = await store.get(TEAM_PASSWORD_ACCOUNT)
    if (raw === undefined) return undefined
    try {
      const value = JSON.parse(raw) as Partial<StoredPassword>
      return typeof value.target === 'string' && typeof value.password === 'string' ? { target: value.target, password: value.password } : undefined
    } catch {
      return undefined // not ours; replaced on the next set
    }
  }
  return {
    async get(target) {
      const stored = await read()
      return stored?.target === target ? stored.password : undefined
    },
    set: (target, password) => store.set(TEAM_PASSWORD_ACCOUNT, JSON.stringify({ target, password } satisfies StoredPassword)),
    delete: () => store.delete(TEAM_PASSWORD_ACCOUNT),
    storedTarget: async () => (await read())?.target,
  }
}

export interface ResolveTeamOptions {
  /** The team settings in force (settings.json), null when none. */
  settings: TeamSettings | null
  env: Record<string, string | undefined>
  passwords: TeamPasswordStore
}

/** The connection in force, or null when no team database is configured. Throws TeamConfigError on a bad env URL. */
export async function resolveTeamConnection(options: ResolveTeamOptions): Promise<TeamConnection | null> {
  const fromEnv = options.env[TEAM_DB_ENV]
  const settings = fromEnv ? parseTeamUrl(fromEnv) : options.settings
  if (!settings) return null
  const target = teamTarget(settings)
  const source: TeamConfigSource = fromEnv ? 'env' : 'settings'
  const envPassword = options.env.PGPASSWORD
  if (envPassword) return { settings, source, target, password: envPassword, passwordSource: 'PGPASSWORD' }
  const stored = await options.passwords.get(target).catch(() => undefined)
  return stored === undefined ? { settings, source, target, password: undefined, passwordSource: 'none' } : { settings, source, target, password: stored, passwordSource: 'keychain' }
}
