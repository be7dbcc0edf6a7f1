import type { BulkProgress } from '../domain/bulkRun.ts'
import type { ExportProgress } from '../domain/export.ts'
import { ipcContract, ipcEvents, type IpcMethod, type OtpBridge } from './contract.ts'

// The one factory that turns the contract into `window.otp`. The preload calls it with
// ipcRenderer; the E2E browser driver calls it with a binding to the same main handlers.

export type Invoke = (channel: string, payload: unknown) => Promise<unknown>
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void

export function createBridge(invoke: Invoke, subscribe: Subscribe): OtpBridge {
  const bridge: Record<string, unknown> = {}
  for (const method of Object.keys(ipcContract) as IpcMethod[]) {
    const { channel } = ipcContract[method]
    bridge[method] = (request?: unknown) => invoke(channel, request)
  }
  bridge.onExportProgress = (listener: (progress: ExportProgress) => void) =>
    subscribe(ipcEvents.exportProgress, (payload) => listener(payload as ExportProgress))
  bridge.onBulkProgress = (listener: (progress: BulkProgress) => void) =>
    subscribe(ipcEvents.bulkProgress, (payload) => listener(payload as BulkProgress))
  return Object.freeze(bridge) as OtpBridge
}
