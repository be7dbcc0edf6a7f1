import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { Logger } from '../../core/log/logger.ts'
import { ipcContract, type IpcMethod } from '../../shared/ipc/contract.ts'
import { fail } from '../../shared/domain/result.ts'
import type { Dispatch } from '../ipc/dispatch.ts'
import { logRefusedCall } from '../ipc/refusedCalls.ts'

/** Why a call is not from the main window's top frame, or undefined when it is. */
function frameProblem(event: IpcMainInvokeEvent, main: BrowserWindow | undefined): string | undefined {
  if (!main) return 'no main window'
  if (event.sender.id !== main.webContents.id) return 'another webContents'
  if (!event.senderFrame) return 'frame gone'
  // WebFrameMain wrappers are not guaranteed to be the same object: compare the position.
  if (event.senderFrame.parent !== null) return 'subframe'
  return undefined
}

/**
 * Registers one ipcMain handler per contract channel. Besides the URL check in dispatch, the
 * frame must be the main window's top frame (not a subframe the page might embed). Refusals
 * here are logged like dispatch's own.
 */
export function wireIpc(dispatch: Dispatch, window: () => BrowserWindow | undefined, logger: Logger): void {
  for (const method of Object.keys(ipcContract) as IpcMethod[]) {
    const { channel } = ipcContract[method]
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      const problem = frameProblem(event, window())
      if (problem) {
        logRefusedCall(logger, { channel, reason: problem, senderUrl: event.senderFrame?.url, sender: { webContentsId: event.sender.id } })
        return fail('forbidden', 'This call did not come from the console’s own window.')
      }
      return dispatch(channel, payload, event.senderFrame?.url)
    })
  }
}
