import { describe, expect, it } from 'vitest'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import { createTeamPasswordStore, parseTeamUrl, resolveTeamConnection, TEAM_DB_ENV, TEAM_PASSWORD_ACCOUNT, TeamConfigError, teamTarget } from './teamConfig.ts'
import type { TeamSettings } from '../../shared/domain/team.ts'

const SETTINGS: TeamSettings = { host: 'db.bank.example', port: 5433, database: 'otp_team', user: 'console', tlsMode: 'verify-full', caFile: '/etc/ssl/bank-ca.pem' }

describe('team configuration', () => {
  it('reads a postgres:// URL with TLS parameters', () => {
    expect(parseTeamUrl('postgres://console@db.bank.example:5433/otp_team?sslmode=verify-full&sslrootcert=/etc/ssl/bank-ca.pem')).toEqual(SETTINGS)
    expect(parseTeamUrl('postgresql://u@[::1]/d')).toEqual({ host: '::1', port: 5432, database: 'd', user: 'u', tlsMode: 'disable', caFile: null })
  })

  it('refuses a URL carrying a password, and says where the password goes', () => {
    expect(() => parseTeamUrl('postgres://console:hunter2@db/otp')).toThrow(TeamConfigError)
    expect(() => parseTeamUrl('postgres://console:hunter2@db/otp')).toThrow(/must not contain a password.*PGPASSWORD/)
  })

  it.each([
    ['not a url', /not a URL/],
    ['mysql://u@h/d', /must start with postgres/],
    ['postgres://h/d', /no user/],
    ['postgres://u@h/', /no database/],
    ['postgres://u@h/d?sslmode=prefer', /sslmode must be/],
    ['postgres://u@h/d?sslmode=verify-full', /CA certificate/],
    ['postgres://u@h/d?options=-c', /unsupported parameter options/],
  ])('refuses %s with a clear message', (url, message) => {
    expect(() => parseTeamUrl(url)).toThrow(message)
  })

  it('OTP_CONSOLE_TEAM_DB overrides the settings; PGPASSWORD overrides the keychain', async () => {
    const passwords = createTeamPasswordStore(createMemorySecretStore())
    await passwords.set('u@h:5432/d', 'from-keychain')
    const env = { [TEAM_DB_ENV]: 'postgres://u@h/d' }
    expect(await resolveTeamConnection({ settings: SETTINGS, env, passwords })).toMatchObject({ source: 'env', target: 'u@h:5432/d', password: 'from-keychain', passwordSource: 'keychain' })
    expect(await resolveTeamConnection({ settings: SETTINGS, env: { ...env, PGPASSWORD: 'pw' }, passwords })).toMatchObject({ password: 'pw', passwordSource: 'PGPASSWORD' })
    expect(await resolveTeamConnection({ settings: null, env: {}, passwords })).toBeNull()
    expect(await resolveTeamConnection({ settings: SETTINGS, env: {}, passwords })).toMatchObject({ source: 'settings', target: teamTarget(SETTINGS) })
  })

  it('a stored password is used only for the target it was entered for', async () => {
    const store = createMemorySecretStore()
    const passwords = createTeamPasswordStore(store)
    await passwords.set(teamTarget(SETTINGS), 's3cret')
    expect(await resolveTeamConnection({ settings: SETTINGS, env: {}, passwords })).toMatchObject({ password: 's3cret', passwordSource: 'keychain' })
    const moved = { ...SETTINGS, host: 'elsewhere.example' }
    expect(await resolveTeamConnection({ settings: moved, env: {}, passwords })).toMatchObject({ password: undefined, passwordSource: 'none' })
    expect(JSON.parse((await store.get(TEAM_PASSWORD_ACCOUNT)) ?? '{}')).toEqual({ target: teamTarget(SETTINGS), password: 's3cret' })
  })
})
