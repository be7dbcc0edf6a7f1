import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TeamSettings } from '../../shared/domain/team.ts'
import { SETTINGS_FILE, type AppCore } from '../app/appCore.ts'
import { openTestCore } from '../app/testCore.ts'
import { createMemorySecretStore } from '../audit/memorySecretStore.ts'
import { TEAM_PASSWORD_ACCOUNT } from './teamConfig.ts'

const TEAM: TeamSettings = { host: 'db.bank.example', port: 5432, database: 'otp_team', user: 'console', tlsMode: 'require', caFile: null }
const PASSWORD = 'pg-Pa55word-never-shown'

describe('team configuration through the core', () => {
  let dataDir: string
  let core: AppCore
  let secrets: ReturnType<typeof createMemorySecretStore>
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'otp-team-config-'))
    secrets = createMemorySecretStore()
    core = await openTestCore(dataDir, { secretStore: secrets })
  })
  afterEach(async () => {
    await core.team.stop()
    core.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('with nothing configured, nothing changes: status off, no outbox kept', async () => {
    await core.team.start()
    expect(core.team.status()).toEqual({ state: 'off' })
    expect(await core.team.connection()).toBeNull()
    expect(await core.team.openPool()).toBeNull()
  })

  it('saves settings and the password (keychain only, bound to the target), with an audit entry that holds no password', async () => {
    await core.team.configure({ settings: TEAM, password: PASSWORD })
    expect(core.settings.read().team).toEqual(TEAM)
    expect(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8')).not.toContain(PASSWORD)
    expect(JSON.parse(secrets.items.get(TEAM_PASSWORD_ACCOUNT) ?? '{}')).toEqual({ target: 'console@db.bank.example:5432/otp_team', password: PASSWORD })
    expect(await core.team.connection()).toMatchObject({ source: 'settings', password: PASSWORD, passwordSource: 'keychain' })

    const entry = core.audit.list({ limit: 10 }).find((e) => e.action === 'team.configure')
    expect(entry).toMatchObject({ summary: 'Team database set to console@db.bank.example:5432/otp_team (TLS require)', details: { before: null, after: TEAM, password: 'set' } })
    expect(JSON.stringify(core.audit.list({ limit: 100 }))).not.toContain(PASSWORD)

    await core.team.configure({ settings: null })
    expect(core.settings.read().team).toBeNull()
    expect(secrets.items.has(TEAM_PASSWORD_ACCOUNT)).toBe(false)
    expect(core.audit.list({ limit: 10 }).filter((e) => e.action === 'team.configure').map((e) => e.summary)).toContain('Team database removed')
    expect(await core.audit.verify()).toMatchObject({ ok: true })
  })

  it('bad settings are refused and nothing is saved', async () => {
    await expect(core.team.configure({ settings: { ...TEAM, tlsMode: 'verify-full', caFile: null }, password: PASSWORD })).rejects.toThrow(/CA certificate/)
    expect(core.settings.read().team).toBeNull()
    expect(secrets.items.has(TEAM_PASSWORD_ACCOUNT)).toBe(false)
    expect(core.audit.list({ limit: 10 }).some((e) => e.action === 'team.configure')).toBe(false)
  })
})
