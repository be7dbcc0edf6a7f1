import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_ENDPOINTS } from '../../shared/domain/environments.ts'
import { createSettingsStore } from './settingsStore.ts'

const fresh = () => join(mkdtempSync(join(tmpdir(), 'otp-settings-')), 'settings.json')

describe('settings store', () => {
  it('starts in Training with the documented default URLs', () => {
    const settings = createSettingsStore(fresh()).read()
    expect(settings.activeEnvironment).toBe('training')
    expect(settings.endpoints.production).toEqual(DEFAULT_ENDPOINTS.production)
  })

  it('persists the active environment and edited URLs across instances', () => {
    const path = fresh()
    createSettingsStore(path).setActive('sandbox')
    createSettingsStore(path).setEndpoints('custom', { baseUrl: 'http://127.0.0.1:9000/', passportUrl: 'http://127.0.0.1:9001' })
    const reread = createSettingsStore(path).read()
    expect(reread.activeEnvironment).toBe('sandbox')
    expect(reread.endpoints.custom).toEqual({ baseUrl: 'http://127.0.0.1:9000', passportUrl: 'http://127.0.0.1:9001' })
  })

  it('keeps an unreadable file aside instead of losing it', () => {
    const path = fresh()
    writeFileSync(path, '{ not json')
    const store = createSettingsStore(path, () => 42)
    expect(store.read().activeEnvironment).toBe('training')
    expect(existsSync(`${path}.unreadable-42`)).toBe(true)
    expect(readFileSync(`${path}.unreadable-42`, 'utf8')).toBe('{ not json')
  })

  it('falls back per field when one value is invalid', () => {
    const path = fresh()
    writeFileSync(path, JSON.stringify({ activeEnvironment: 'mars', endpoints: { sandbox: { baseUrl: 'https://x.example', passportUrl: 'https://y.example' } } }))
    const settings = createSettingsStore(path).read()
    expect(settings.activeEnvironment).toBe('training')
    expect(settings.endpoints.sandbox.baseUrl).toBe('https://x.example')
    expect(settings.endpoints.production).toEqual(DEFAULT_ENDPOINTS.production)
  })

  it('leaves no temp files behind', () => {
    const path = fresh()
    createSettingsStore(path).setActive('custom')
    expect(readdirSync(join(path, '..'))).toEqual(['settings.json'])
  })

  it('keeps the team database settings (no team by default); a damaged team entry reads as none, the rest is kept', () => {
    const path = fresh()
    expect(createSettingsStore(path).read().team).toBeNull()
    const team = { host: 'db.example', port: 5432, database: 'otp_team', user: 'console', tlsMode: 'verify-full' as const, caFile: '/etc/ssl/ca.pem' }
    createSettingsStore(path).setTeam(team)
    expect(createSettingsStore(path).read().team).toEqual(team)
    expect(() => createSettingsStore(path).setTeam({ ...team, port: 70000 })).toThrow()
    expect(createSettingsStore(path).read().team).toEqual(team)
    writeFileSync(path, JSON.stringify({ activeEnvironment: 'sandbox', team: { host: 'db.example', port: 'x' } }))
    const damaged = createSettingsStore(path).read()
    expect(damaged.team).toBeNull()
    expect(damaged.activeEnvironment).toBe('sandbox')
  })
})
