import { BrowserWindow } from 'electron'

export interface MainWindowOptions {
  /** app://console/index.html, or the electron-vite dev server when not packaged. */
  url: string
  preloadPath: string
  /** DevTools only in an unpackaged (development) run. */
  devTools: boolean
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    title: 'OTP Enrollment Console',
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: options.devTools,
      // Middle-click opens no window (window.open is denied anyway: hardening.ts).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(options.url)
  return window
}
