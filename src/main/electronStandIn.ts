import { EventEmitter } from 'node:events'

// Test support: a stand-in for the 'electron' module with just what src/main/electron/ uses,
// recording what the app asked of it and letting a test fire Electron's events (the same
// idea as the browser driver's two-object stand-in for the preload). It imports nothing from
// Electron, so the wiring test runs in plain Node.

export interface StandInEvent {
  defaultPrevented: boolean
  preventDefault(): void
}

export function standInEvent(): StandInEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true
    },
  }
}

let nextId = 1

export class StandInWebContents extends EventEmitter {
  readonly id = nextId++
  readonly sent: { channel: string; payload: unknown }[] = []
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
}

export interface StandInOptions {
  userData: string
  /** The displays' work areas (default: one 1920×1080 display). */
  displays?: { x: number; y: number; width: number; height: number }[]
  isPackaged?: boolean
  singleInstance?: boolean
}

export function createElectronStandIn(options: StandInOptions) {
  const paths: Record<string, string> = { userData: options.userData }
  const windows: StandInBrowserWindow[] = []
  const displays = options.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]
  const errorBoxes: { title: string; content: string }[] = []
  const switches: [string, string | undefined][] = []
  const privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[] = []
  const schemeHandlers = new Map<string, (request: Request) => Promise<Response>>()
  const ipcHandlers = new Map<string, (event: unknown, payload: unknown) => unknown>()
  const permission: { request?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void; check?: (...args: unknown[]) => boolean } = {}
  const record = { quitCalls: 0, quit: false, exitCode: undefined as number | undefined, readyDone: false, netFetches: 0, menus: 0 }
  let markReady: () => void = () => {}
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve))

  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? true,
    commandLine: { appendSwitch: (name: string, value?: string) => void switches.push([name, value]) },
    setPath: (name: string, path: string) => void (paths[name] = path),
    getPath: (name: string) => paths[name] ?? `/stand-in/${name}`,
    getVersion: () => '9.9.9',
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    whenReady: () => readyPromise,
    /** Like Electron: 'will-quit' first; a handler that prevents it cancels this quit. */
    quit() {
      record.quitCalls += 1
      const event = standInEvent()
      app.emit('will-quit', event)
      if (!event.defaultPrevented) record.quit = true
    },
    exit(code = 0) {
      record.exitCode = code
    },
  })

  class StandInBrowserWindow extends EventEmitter {
    readonly webContents = new StandInWebContents()
    loadedUrl: string | undefined
    shown = false
    readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>
    constructor(options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
      super()
      this.options = options
      windows.push(this)
      app.emit('web-contents-created', standInEvent(), this.webContents)
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url
    }
    show(): void {
      this.shown = true
    }
    maximized = false
    isMinimized = () => false
    isMaximized = () => this.maximized
    maximize(): void {
      this.maximized = true
    }
    getNormalBounds() {
      const o = this.options as unknown as { x: number; y: number; width: number; height: number }
      return { x: o.x, y: o.y, width: o.width, height: o.height }
    }
    restore(): void {}
    focus(): void {}
  }

  const electron = {
    app,
    BrowserWindow: StandInBrowserWindow,
    ipcMain: {
      handle(channel: string, handler: (event: unknown, payload: unknown) => unknown) {
        // Electron refuses a second handler for the same channel.
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
        ipcHandlers.set(channel, handler)
      },
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]) {
        if (record.readyDone) throw new Error('registerSchemesAsPrivileged must be called before the app is ready')
        privilegedSchemes.push(...schemes)
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response>) {
        schemeHandlers.set(scheme, handler)
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: typeof permission.request) => void (permission.request = handler),
        setPermissionCheckHandler: (handler: typeof permission.check) => void (permission.check = handler),
      },
    },
    net: {
      fetch: async () => {
        record.netFetches += 1
        throw new Error('The stand-in has no network.')
      },
    },
    dialog: {
      showErrorBox: (title: string, content: string) => void errorBoxes.push({ title, content }),
      showSaveDialog: async () => ({ canceled: true, filePath: undefined }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showMessageBox: async () => ({ response: 0, checkboxChecked: false }),
    },
    screen: { getAllDisplays: () => displays.map((workArea) => ({ workArea })) },
    shell: { showItemInFolder: () => {}, openPath: async () => '' },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: () => void (record.menus += 1),
    },
  }

  return {
    electron,
    windows,
    errorBoxes,
    switches,
    privilegedSchemes,
    schemeHandlers,
    ipcHandlers,
    permission,
    record,
    /** Fires app ready (whenReady resolves). */
    ready() {
      record.readyDone = true
      markReady()
      app.emit('ready')
    },
  }
}

export type ElectronStandIn = ReturnType<typeof createElectronStandIn>
