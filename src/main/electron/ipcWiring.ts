import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { ipcContract, type IpcMethod } from '../../shared/ipc/contract.ts'
import { fail } from '../../shared/domain/result.ts'
import type { Dispatch } from '../ipc/dispatch.ts'

/**
 * Registers one ipcMain handler per contract channel. Besides the URL check in dispatch, the
 * frame must be the main window's top frame (not a subframe the page might embed).
 */
export function wireIpc(dispatch: Dispatch, window: () => BrowserWindow | undefined): void {
  for (const method of Object.keys(ipcContract) as IpcMethod[]) {
    const { channel } = ipcContract[method]
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame
      const main = window()
      // Top frame of our own window only (WebFrameMain wrappers are not guaranteed to be the
      // same object, so compare the frame's position rather than its identity).
      if (!frame || !main || event.sender.id !== main.webContents.id || frame.parent !== null) {
        return fail('forbidden', 'This call did not come from the console’s own window.')
      }
      return dispatch(channel, payload, frame.url)
    })
  }
}
