import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { AppError, Result } from '../../../shared/domain/result.ts'
import type { TeamConnectionTest, TeamSettings, TeamStatus } from '../../../shared/domain/team.ts'
import type { TeamSettingsView } from '../../../shared/domain/teamViews.ts'
import { otp } from '../api/bridge.ts'

/** How often the top bar asks main for the replicator's status while a team database is set. */
export const TEAM_STATUS_POLL_MS = 3_000

/**
 * The team workspace as the window knows it: the saved connection (never the password), the
 * replicator's status for the top bar (polled while a team database is configured) and the
 * last "Test connection" answer.
 */
export const useTeamStore = defineStore('team', () => {
  const settings = shallowRef<TeamSettingsView | null>(null)
  const loadError = shallowRef<AppError | null>(null)
  const status = shallowRef<TeamStatus | null>(null)
  const test = shallowRef<TeamConnectionTest | null>(null)
  /** The settings the last test tried (its words name them). */
  const tested = shallowRef<TeamSettings | null>(null)
  const testing = ref(false)
  let timer: ReturnType<typeof setInterval> | undefined

  const configured = computed(() => settings.value?.settings != null)

  async function load(): Promise<void> {
    const r = await otp().getTeamSettings()
    if (r.ok) {
      settings.value = r.value
      loadError.value = null
    } else loadError.value = r.error
    await loadStatus()
  }

  async function loadStatus(): Promise<void> {
    const r = await otp().getTeamStatus()
    if (r.ok) status.value = r.value
  }

  /** Starts polling the status (idempotent); the top bar calls it once. */
  function watchStatus(): void {
    if (timer) return
    timer = setInterval(() => {
      if (configured.value) void loadStatus()
    }, TEAM_STATUS_POLL_MS)
  }

  function stopWatching(): void {
    if (timer) clearInterval(timer)
    timer = undefined
  }

  /** Applies a settings answer from main, then refreshes the status it changed. */
  async function settle(r: Result<TeamSettingsView>): Promise<Result<TeamSettingsView>> {
    if (r.ok) {
      settings.value = r.value
      await loadStatus()
    }
    return r
  }

  /** Saves the connection, with a new password when one was typed (undefined keeps the stored one). */
  async function save(connection: TeamSettings, password?: string): Promise<Result<TeamSettingsView>> {
    test.value = null
    return settle(await otp().setTeamSettings(password ? { settings: connection, password } : { settings: connection }))
  }

  async function clear(): Promise<Result<TeamSettingsView>> {
    test.value = null
    return settle(await otp().clearTeamSettings())
  }

  async function setPassword(password: string): Promise<Result<TeamSettingsView>> {
    return settle(await otp().setTeamPassword({ password }))
  }

  async function deletePassword(): Promise<Result<TeamSettingsView>> {
    return settle(await otp().deleteTeamPassword())
  }

  /** Tries the connection as typed; a typed password is used for the test only (saving stores it). */
  async function testConnection(connection: TeamSettings, password?: string): Promise<Result<TeamConnectionTest>> {
    testing.value = true
    test.value = null
    tested.value = connection
    const r = await otp().testTeamConnection(password ? { settings: connection, password } : { settings: connection })
    testing.value = false
    test.value = r.ok ? r.value : { ok: false, message: r.error.message }
    return r
  }

  return { settings, loadError, status, test, tested, testing, configured, load, loadStatus, watchStatus, stopWatching, save, clear, setPassword, deletePassword, testConnection }
})
