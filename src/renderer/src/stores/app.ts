import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { AppInfo } from '../../../shared/domain/appInfo.ts'
import type { AppError } from '../../../shared/domain/result.ts'
import { otp } from '../api/bridge.ts'

export type ToastKind = 'info' | 'success' | 'warning' | 'error'

export interface ToastAction {
  label: string
  run: () => void | Promise<void>
}

export interface Toast {
  id: number
  kind: ToastKind
  message: string
  action?: ToastAction
}

/** App-wide things: the About info and the toast (at most one). */
export const useAppStore = defineStore('app', () => {
  const info = shallowRef<AppInfo | null>(null)
  const infoError = shallowRef<AppError | null>(null)
  const toasts = ref<Toast[]>([])
  let nextToastId = 1
  const timers = new Map<number, ReturnType<typeof setTimeout>>()

  async function loadInfo(): Promise<void> {
    const r = await otp().getAppInfo()
    if (r.ok) {
      info.value = r.value
      infoError.value = null
    } else {
      infoError.value = r.error
    }
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id)
    const timer = timers.get(id)
    if (timer) clearTimeout(timer)
    timers.delete(id)
  }

  /**
   * Shows a toast. One at a time: a new one replaces the last (the newest news is what counts,
   * and a stack of them would cover the work). Toasts with an action stay longer so the action
   * can be reached by keyboard.
   */
  function toast(kind: ToastKind, message: string, action?: ToastAction, timeoutMs?: number): number {
    const id = nextToastId++
    for (const old of toasts.value) dismiss(old.id)
    toasts.value = [action ? { id, kind, message, action } : { id, kind, message }]
    const ms = timeoutMs ?? (action ? 12_000 : kind === 'error' ? 10_000 : 5_000)
    if (ms > 0) timers.set(id, setTimeout(() => dismiss(id), ms))
    return id
  }

  return { info, infoError, toasts, loadInfo, toast, dismiss }
})
