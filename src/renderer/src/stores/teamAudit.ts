import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { AppError } from '../../../shared/domain/result.ts'
import type { TeamAuditVerification, TeamConsoleAudit } from '../../../shared/domain/teamAudit.ts'
import { otp } from '../api/bridge.ts'

/** The team database's audit chains, one per console, each verified on demand from this desk. */
export const useTeamAuditStore = defineStore('teamAudit', () => {
  const consoles = shallowRef<TeamConsoleAudit[]>([])
  const error = shallowRef<AppError | null>(null)
  const loaded = ref(false)
  const results = shallowRef<Record<string, TeamAuditVerification | AppError>>({})
  const verifying = ref<string | null>(null)

  async function load(): Promise<void> {
    const r = await otp().listTeamConsoles()
    loaded.value = true
    if (r.ok) {
      consoles.value = r.value
      error.value = null
    } else error.value = r.error
  }

  async function verify(consoleId: string): Promise<void> {
    verifying.value = consoleId
    const r = await otp().verifyTeamAudit({ consoleId })
    verifying.value = null
    results.value = { ...results.value, [consoleId]: r.ok ? r.value : r.error }
  }

  return { consoles, error, loaded, results, verifying, load, verify }
})
