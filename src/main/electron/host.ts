import { dialog, shell, type BrowserWindow } from 'electron'
import type { HostPlatform } from '../ipc/context.ts'

export function electronHost(window: () => BrowserWindow | undefined): HostPlatform {
  return {
    async chooseSavePath({ defaultName, filterName, extensions }) {
      const options = { defaultPath: defaultName, filters: [{ name: filterName, extensions }], properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] }
      const main = window()
      const result = main ? await dialog.showSaveDialog(main, options) : await dialog.showSaveDialog(options)
      return result.canceled ? undefined : result.filePath
    },
    async chooseOpenPath({ title, filterName, extensions }) {
      const options = { title, filters: [{ name: filterName, extensions }, { name: 'All files', extensions: ['*'] }], properties: ['openFile' as const] }
      const main = window()
      const result = main ? await dialog.showOpenDialog(main, options) : await dialog.showOpenDialog(options)
      return result.canceled ? undefined : result.filePaths[0]
    },
    showInFolder: (path) => shell.showItemInFolder(path),
    async openFolder(path) {
      const error = await shell.openPath(path)
      if (error) throw new Error(error)
    },
    async confirm({ title, message, detail, confirmLabel, cancelLabel }) {
      // Cancel first and the default: Enter or Escape never confirms.
      const options = { type: 'warning' as const, title, message, detail, buttons: [cancelLabel, confirmLabel], defaultId: 0, cancelId: 0, noLink: true }
      const main = window()
      const { response } = main ? await dialog.showMessageBox(main, options) : await dialog.showMessageBox(options)
      return response === 1
    },
  }
}
