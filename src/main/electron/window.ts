import { BrowserWindow, screen } from 'electron'
import { join } from 'node:path'
import { createWindowBoundsStore, placeWindow, WINDOW_SIZE } from '../../core/settings/windowBounds.ts'

export interface MainWindowOptions {
  /** app://console/index.html, or the electron-vite dev server when not packaged. */
  url: string
  preloadPath: string
  /** DevTools only in an unpackaged (development) run. */
  devTools: boolean
  /** Where `window.json` (the size and position of the last run) is kept. */
  dataDir: string
}

export const WINDOW_BOUNDS_FILE = 'window.json'

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  // Opens where the last run closed, on a display that still exists (windowBounds.ts).
  const bounds = createWindowBoundsStore(join(options.dataDir, WINDOW_BOUNDS_FILE))
  const placed = placeWindow(bounds.load(), screen.getAllDisplays().map((display) => display.workArea))
  const window = new BrowserWindow({
    x: placed.x,
    y: placed.y,
    width: placed.width,
    height: placed.height,
    minWidth: WINDOW_SIZE.minWidth,
    minHeight: WINDOW_SIZE.minHeight,
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
  if (placed.maximized) window.maximize()
  window.on('close', () => bounds.save({ ...window.getNormalBounds(), maximized: window.isMaximized() }))
  window.once('ready-to-show', () => window.show())
  void window.loadURL(options.url)
  return window
}
