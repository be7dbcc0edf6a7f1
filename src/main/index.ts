import { app, net, type BrowserWindow } from 'electron'
import { keychainService } from '../core/app/dataDir.ts'
import { createOsSecretStore } from '../core/credentials/secretStore.ts'
import { createSenderCheck } from './ipc/dispatch.ts'
import { startMain, type MainRuntime } from './startMain.ts'
import { hardenApp } from './electron/hardening.ts'
import { electronHost } from './electron/host.ts'
import { wireIpc } from './electron/ipcWiring.ts'
import { installMenu } from './electron/menu.ts'
import { createMainWindow, rendererFileUrl } from './electron/window.ts'

// The Electron entry only wires: data folder, keychain, net.fetch (system proxies and
// certificates), window, IPC. Everything else is plain modules started by startMain.

// Exports run in this process and allocate steadily (a million records); V8 then grows its
// young generation to 2 × 64 MiB, which alone would break the export's 200 MB budget. 16 MiB
// semi-spaces keep it at ~2 × 16 MiB for the same speed. Must precede app ready; the CLI
// (package.json "cli") and bench/export.ts's export child use the same flag.
app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=16')

const devServerUrl = process.env.ELECTRON_RENDERER_URL
const fileUrl = rendererFileUrl()
const isTrustedSender = createSenderCheck({ fileUrl, devOrigin: devServerUrl ? new URL(devServerUrl).origin : undefined })

if (process.env.OTP_CONSOLE_DATA_DIR) app.setPath('userData', process.env.OTP_CONSOLE_DATA_DIR)
if (!app.requestSingleInstanceLock()) app.quit()

hardenApp((url) => isTrustedSender(url))

let window: BrowserWindow | undefined
let runtime: MainRuntime | undefined

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore()
  window?.focus()
})

app.whenReady().then(async () => {
  runtime = await startMain({
    dataDir: app.getPath('userData'),
    appVersion: app.getVersion(),
    fetch: (input, init) => net.fetch(input, init),
    secretStore: createOsSecretStore(keychainService()),
    host: electronHost(() => window),
    emit: (channel, payload) => window?.webContents.send(channel, payload),
    isTrustedSender,
  })
  wireIpc(runtime.dispatch, () => window)
  installMenu(() => void runtime?.context.host.openFolder(runtime.context.logDir))
  window = createMainWindow(devServerUrl)
  window.on('closed', () => (window = undefined))
})

app.on('window-all-closed', () => app.quit())
app.on('will-quit', (event) => {
  if (!runtime) return
  event.preventDefault()
  const closing = runtime
  runtime = undefined
  void closing.close().finally(() => app.quit())
})
