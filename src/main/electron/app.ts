import { join } from 'node:path'
import { app, dialog, net, protocol, type BrowserWindow } from 'electron'
import { keychainService } from '../../core/app/dataDir.ts'
import { createOsSecretStore } from '../../core/credentials/secretStore.ts'
import { APP_ENTRY_URL, APP_SCHEME, createAppSchemeHandler } from '../appScheme.ts'
import { createSenderCheck } from '../ipc/dispatch.ts'
import { startMain, type MainRuntime } from '../startMain.ts'
import { hardenApp } from './hardening.ts'
import { electronHost } from './host.ts'
import { wireIpc } from './ipcWiring.ts'
import { installMenu } from './menu.ts'
import { createMainWindow } from './window.ts'

export interface ElectronAppOptions {
  /** The built renderer folder served on app:// (out/renderer). */
  rendererDir: string
  /** The built, sandboxed preload (out/preload/index.cjs). */
  preloadPath: string
  env: NodeJS.ProcessEnv
}

export const STARTUP_FAILURE_TITLE = 'OTP Enrollment Console could not start'

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.message}` : String(error)
  return text.split('\n')[0]?.trim().slice(0, 500) || 'unknown error'
}

/**
 * The Electron main process: data folder, keychain, net.fetch (system proxies and
 * certificates), the app:// scheme, window, IPC. Everything else is plain modules started by
 * startMain. Electron's objects come from the 'electron' import of this folder's modules, so
 * the wiring test runs this exact code against a stand-in module.
 */
export function runElectronApp(options: ElectronAppOptions): void {
  // Exports run in this process and allocate steadily (a million records); V8 then grows its
  // young generation to 2 × 64 MiB, which alone would break the export's 200 MB budget. 16 MiB
  // semi-spaces keep it at ~2 × 16 MiB for the same speed. Must precede app ready;
  // bench/export.ts's export child uses the same flag (the CLI fixes them at 4 MiB: its shebang).
  app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=16')
  // Standard + secure: the page gets a real origin ('self' in the CSP) and a secure context.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])

  // The dev server and DevTools exist only in an unpackaged (development) run.
  const devServerUrl = app.isPackaged ? undefined : options.env.ELECTRON_RENDERER_URL
  const isTrustedSender = createSenderCheck({ appEntryUrl: APP_ENTRY_URL, devOrigin: devServerUrl ? new URL(devServerUrl).origin : undefined })

  if (options.env.OTP_CONSOLE_DATA_DIR) app.setPath('userData', options.env.OTP_CONSOLE_DATA_DIR)
  if (!app.requestSingleInstanceLock()) {
    // The running console is brought to the front by its 'second-instance' handler.
    app.quit()
    return
  }

  let window: BrowserWindow | undefined
  let runtime: MainRuntime | undefined
  const warn = (message: string, fields: Record<string, unknown>) => runtime?.context.logger.warn(message, fields)

  hardenApp((url) => isTrustedSender(url), (what, fields) => warn('shell.refused', { what, ...fields }))

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })

  async function start(): Promise<void> {
    protocol.handle(APP_SCHEME, createAppSchemeHandler(options.rendererDir, (fields) => warn('scheme.refused', fields)))
    runtime = await startMain({
      dataDir: app.getPath('userData'),
      appVersion: app.getVersion(),
      fetch: (input, init) => net.fetch(input, init),
      secretStore: createOsSecretStore(keychainService()),
      host: electronHost(() => window),
      emit: (channel, payload) => window?.webContents.send(channel, payload),
      isTrustedSender,
    })
    const started = runtime
    wireIpc(started.dispatch, () => window, started.context.logger)
    installMenu(() => void started.context.host.openFolder(started.context.logDir))
    window = createMainWindow({ url: devServerUrl ?? APP_ENTRY_URL, preloadPath: options.preloadPath, devTools: !app.isPackaged, dataDir: app.getPath('userData') })
    window.on('closed', () => (window = undefined))
  }

  // A failure while starting (database locked, unreadable settings, no keychain…) must never
  // leave a process with no window: say what failed and where the log is, then exit non-zero.
  async function failStart(error: unknown): Promise<void> {
    const logDir = join(app.getPath('userData'), 'logs')
    console.error(`${STARTUP_FAILURE_TITLE}: ${firstLine(error)}`)
    dialog.showErrorBox(STARTUP_FAILURE_TITLE, `${firstLine(error)}\n\nThe diagnostic log is in:\n${logDir}`)
    const started = runtime
    runtime = undefined
    await started?.close().catch(() => {})
    app.exit(1)
  }

  app.whenReady().then(start).catch(failStart)

  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', (event) => {
    if (!runtime) return
    event.preventDefault()
    const closing = runtime
    runtime = undefined
    void closing.close().finally(() => app.quit())
  })
}
