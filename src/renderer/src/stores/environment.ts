import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { ENVIRONMENT_LABELS, type EnvironmentId } from '../../../shared/domain/environments.ts'
import type { IpcRequest } from '../../../shared/ipc/contract.ts'
import type { EnvironmentView, EnvironmentsState } from '../../../shared/domain/environmentState.ts'
import type { AppError, Result } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'

export type EditableEnvironmentId = Exclude<EnvironmentId, 'training'>

/** The environments, which one is active, and their (non-secret) credential status. */
export const useEnvironmentStore = defineStore('environment', () => {
  const state = shallowRef<EnvironmentsState | null>(null)
  const loadError = shallowRef<AppError | null>(null)
  const switching = ref(false)

  const activeId = computed<EnvironmentId>(() => state.value?.active ?? 'training')
  const active = computed<EnvironmentView | null>(() => state.value?.environments.find((e) => e.id === activeId.value) ?? null)
  const activeLabel = computed(() => active.value?.label ?? ENVIRONMENT_LABELS[activeId.value])
  const isProduction = computed(() => state.value !== null && activeId.value === 'production')
  const isTraining = computed(() => activeId.value === 'training')
  const environments = computed(() => state.value?.environments ?? [])
  const keychain = computed(() => state.value?.keychain ?? { available: true as const })
  /** The active environment needs credentials and has none. */
  const activeMissingCredentials = computed(() => !!active.value && active.value.id !== 'training' && !active.value.credentials.stored)

  function byId(id: EnvironmentId): EnvironmentView | undefined {
    return state.value?.environments.find((e) => e.id === id)
  }

  function label(id: EnvironmentId): string {
    return byId(id)?.label ?? ENVIRONMENT_LABELS[id] ?? id
  }

  function accept<T extends EnvironmentsState>(r: Result<T>): Result<T> {
    if (r.ok) state.value = r.value
    return r
  }

  async function load(): Promise<void> {
    const r = await otp().getEnvironments()
    if (r.ok) {
      state.value = r.value
      loadError.value = null
    } else {
      loadError.value = r.error
    }
  }

  async function setActive(id: EnvironmentId): Promise<Result<EnvironmentsState>> {
    switching.value = true
    try {
      return accept(await otp().setActiveEnvironment({ id }))
    } finally {
      switching.value = false
    }
  }

  async function updateEnvironment(request: IpcRequest<'updateEnvironment'>): Promise<Result<EnvironmentsState>> {
    return accept(await otp().updateEnvironment(request))
  }

  async function setCredentials(request: IpcRequest<'setCredentials'>): Promise<Result<EnvironmentsState>> {
    return accept(await otp().setCredentials(request))
  }

  async function deleteCredentials(environment: EditableEnvironmentId): Promise<Result<EnvironmentsState>> {
    return accept(await otp().deleteCredentials({ environment }))
  }

  /** Main shows a native confirmation of the environment's new destination; the window only asks. */
  async function confirmDestination(environment: EditableEnvironmentId): Promise<Result<{ confirmed: boolean }>> {
    const r = await otp().confirmDestination({ environment })
    if (!r.ok) return r
    state.value = r.value.environments
    return { ok: true, value: { confirmed: r.value.confirmed } }
  }

  return {
    state,
    loadError,
    switching,
    activeId,
    active,
    activeLabel,
    isProduction,
    isTraining,
    environments,
    keychain,
    activeMissingCredentials,
    byId,
    label,
    load,
    setActive,
    updateEnvironment,
    setCredentials,
    deleteCredentials,
    confirmDestination,
  }
})
