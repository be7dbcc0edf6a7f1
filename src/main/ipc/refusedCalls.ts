import type { Logger } from '../../core/log/logger.ts'

// Every IPC call main refuses leaves one `ipc.refused` line in the diagnostic log: the channel,
// the reason and who sent it — never the payload (it may hold a client secret). The idea is
// VS Code's validated ipcMain wrapper, which logs the channel and the bad origin it refused.

/** The sender as origin and path only: the app's hash routes carry filters (phone digits). */
export function describeSender(url: string | undefined): string {
  if (!url) return '(no frame)'
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.slice(0, 256)
  } catch {
    return '(not a URL)'
  }
}

export interface RefusedCall {
  channel: string
  reason: string
  senderUrl: string | undefined
  /** Extra facts about the sender (webContents id, subframe), never payload values. */
  sender?: Record<string, string | number | boolean>
}

export function logRefusedCall(logger: Logger, call: RefusedCall): void {
  logger.warn('ipc.refused', {
    channel: call.channel.slice(0, 64),
    reason: call.reason,
    sender: describeSender(call.senderUrl),
    ...(call.sender ?? {}),
  })
}
