import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ipcContract } from '../shared/ipc/contract.ts'
import { APP_ENTRY_URL } from './appScheme.ts'
import { STARTUP_FAILURE_TITLE } from './electron/app.ts'
import { createElectronStandIn, standInEvent, StandInWebContents, type ElectronStandIn, type StandInOptions } from './electronStandIn.ts'

// The Electron wiring test: the REAL src/main/index.ts, loaded afresh for each test with a
// stand-in 'electron' module, driven through the stand-in's events. Everything behind Electron
// (startMain, SQLite, the training server, the diagnostic log) is the real code.

const holder = vi.hoisted(() => ({ current: undefined as ElectronStandIn | undefined }))
vi.mock('electron', () => {
  const get = (name: string) => () => (holder.current!.electron as Record<string, unknown>)[name]
  return Object.defineProperties({}, Object.fromEntries(['app', 'BrowserWindow', 'ipcMain', 'protocol', 'session', 'net', 'dialog', 'shell', 'Menu', 'screen'].map((name) => [name, { get: get(name), enumerable: true }])))
})

const RENDERER_DIR = join(import.meta.dirname, '..', 'renderer')
let standIn: ElectronStandIn
let dataDir: string

async function launch(options: Partial<StandInOptions> = {}, env: Record<string, string> = {}): Promise<ElectronStandIn> {
  standIn = createElectronStandIn({ userData: join(tmpdir(), 'otp-wiring-unused'), ...options })
  holder.current = standIn
  vi.stubEnv('OTP_CONSOLE_DATA_DIR', dataDir)
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined)
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value)
  vi.resetModules()
  await import('./index.ts')
  return standIn
}

async function launchReady(options: Partial<StandInOptions> = {}, env: Record<string, string> = {}) {
  const app = await launch(options, env)
  app.ready()
  await vi.waitFor(() => expect(app.windows).toHaveLength(1), { timeout: 10_000 })
  return { app, window: app.windows[0]!, contents: app.windows[0]!.webContents }
}

/** Quits like a user closing the app, and waits for the runtime to be closed. */
async function quit(app: ElectronStandIn): Promise<void> {
  app.electron.app.quit()
  await vi.waitFor(() => expect(app.record.quit).toBe(true), { timeout: 10_000 })
}

const logLines = () => readFileSync(join(dataDir, 'logs', 'diagnostic.log'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)

function invoke(app: ElectronStandIn, channel: string, sender: { sender: StandInWebContents; url: string; subframe?: boolean }, payload?: unknown) {
  const handler = app.ipcHandlers.get(channel)!
  const event = { sender: sender.sender, senderFrame: { url: sender.url, parent: sender.subframe ? { url: APP_ENTRY_URL } : null } }
  return handler(event, payload) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'otp-wiring-'))
})
afterEach(() => {
  vi.unstubAllEnvs()
})

describe('Electron wiring (src/main/index.ts with a stand-in electron)', () => {
  it('opens one hardened window on app:// with the privileged scheme registered before ready', async () => {
    const app = await launch()
    expect(app.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }])
    expect(app.switches).toContainEqual(['js-flags', '--max-semi-space-size=16'])
    expect(app.windows).toHaveLength(0)
    app.ready()
    await vi.waitFor(() => expect(app.windows).toHaveLength(1), { timeout: 10_000 })
    const window = app.windows[0]!
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick',
    })
    expect(String(window.options.webPreferences.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/)
    expect(window.loadedUrl).toBe(APP_ENTRY_URL)
    window.emit('ready-to-show')
    expect(window.shown).toBe(true)
    await quit(app)
  })

  it('uses ELECTRON_RENDERER_URL and DevTools only when not packaged', async () => {
    const packaged = await launchReady({ isPackaged: true }, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })
    expect(packaged.window.loadedUrl).toBe(APP_ENTRY_URL)
    expect(packaged.window.options.webPreferences.devTools).toBe(false)
    await quit(packaged.app)

    dataDir = mkdtempSync(join(tmpdir(), 'otp-wiring-'))
    const dev = await launchReady({ isPackaged: false }, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })
    expect(dev.window.loadedUrl).toBe('http://localhost:5173/')
    expect(dev.window.options.webPreferences.devTools).toBe(true)
    expect(await invoke(dev.app, 'app:get-info', { sender: dev.contents, url: 'http://localhost:5173/#/enroll' })).toMatchObject({ ok: true })
    await quit(dev.app)
  })

  it('refuses navigation, redirects, new windows, webviews and permissions, and logs each', async () => {
    const { app, contents } = await launchReady()
    const fire = (name: string, ...args: unknown[]) => {
      const event = standInEvent()
      contents.emit(name, event, ...args)
      return event.defaultPrevented
    }
    expect(fire('will-navigate', 'https://evil.example/phish?x=1')).toBe(true)
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(fire('will-navigate', `${APP_ENTRY_URL}#/history`)).toBe(false)
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true)
    expect(fire('will-attach-webview', {}, {})).toBe(true)
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler?.({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' })
    const granted: boolean[] = []
    app.permission.request?.(contents, 'media', (value) => granted.push(value))
    app.permission.request?.(contents, 'notifications', (value) => granted.push(value))
    expect(granted).toEqual([false, false])
    expect(app.permission.check?.(contents, 'clipboard-read')).toBe(false)
    await quit(app)
    const refused = logLines().filter((line) => line.msg === 'shell.refused').map((line) => line.what)
    expect(refused).toEqual(['navigation', 'navigation', 'redirect', 'webview', 'new window', 'new window', 'permission', 'permission'])
    expect(JSON.stringify(logLines())).not.toContain('x=1')
  })

  it('registers exactly one ipcMain handler per contract channel', async () => {
    const { app } = await launchReady()
    const channels = Object.values(ipcContract).map((entry) => entry.channel)
    expect([...app.ipcHandlers.keys()].sort()).toEqual([...channels].sort())
    await quit(app)
  })

  it('answers the main window’s top frame, refuses another webContents, a subframe and a foreign page, and logs each refusal', async () => {
    const { app, contents } = await launchReady()
    const other = new StandInWebContents()
    const secretPayload = { environment: 'custom', clientId: 'IKIAWIRING', clientSecret: 'wiring-secret-never-logged-42' }
    expect(await invoke(app, 'app:get-info', { sender: contents, url: `${APP_ENTRY_URL}#/enroll` })).toMatchObject({ ok: true, value: { version: '9.9.9' } })
    expect(await invoke(app, 'credentials:set', { sender: other, url: APP_ENTRY_URL }, secretPayload)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await invoke(app, 'credentials:set', { sender: contents, url: APP_ENTRY_URL, subframe: true }, secretPayload)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await invoke(app, 'credentials:set', { sender: contents, url: 'https://evil.example/index.html?phone=2348031234567' }, secretPayload)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await quit(app)
    const refusals = logLines().filter((line) => line.msg === 'ipc.refused')
    expect(refusals).toEqual([
      expect.objectContaining({ channel: 'credentials:set', reason: 'another webContents', sender: APP_ENTRY_URL, webContentsId: other.id }),
      expect.objectContaining({ channel: 'credentials:set', reason: 'subframe', sender: APP_ENTRY_URL }),
      expect.objectContaining({ channel: 'credentials:set', reason: 'sender is not the app page', sender: 'https://evil.example/index.html' }),
    ])
    const log = readFileSync(join(dataDir, 'logs', 'diagnostic.log'), 'utf8')
    expect(log).not.toContain('wiring-secret-never-logged-42')
    expect(log).not.toContain('2348031234567')
  })

  it('serves the renderer folder on app:// and nothing outside it', async () => {
    const { app } = await launchReady()
    const handle = app.schemeHandlers.get('app')!
    const page = await handle(new Request(APP_ENTRY_URL))
    expect(page.status).toBe(200)
    expect(await page.text()).toBe(readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8'))
    for (const url of ['app://console/../main/index.ts', 'app://console/%2e%2e/main/index.ts', 'app://console/..%2f..%2fpackage.json', `app://console/${encodeURIComponent(join(RENDERER_DIR, '..', 'main', 'index.ts'))}`, 'app://console//etc/passwd']) {
      const response = await handle(new Request(url))
      expect(response.status, url).toBeGreaterThanOrEqual(400)
      expect(await response.text()).toBe('')
    }
    await quit(app)
    expect(logLines().filter((line) => line.msg === 'scheme.refused').length).toBe(5)
  })

  it('the same wiring on another renderer folder refuses a symlink out of it', async () => {
    // index.ts always serves the folder beside it; runElectronApp (what index.ts calls) takes
    // a folder, so a scratch one can hold links without touching the repo.
    const base = mkdtempSync(join(tmpdir(), 'otp-wiring-renderer-'))
    mkdirSync(join(base, 'renderer'))
    writeFileSync(join(base, 'renderer', 'index.html'), '<!doctype html>')
    writeFileSync(join(base, 'secret.txt'), 'outside')
    symlinkSync(join(base, 'secret.txt'), join(base, 'renderer', 'link.js'))
    symlinkSync(base, join(base, 'renderer', 'up'))
    standIn = createElectronStandIn({ userData: dataDir })
    holder.current = standIn
    vi.resetModules()
    const { runElectronApp } = await import('./electron/app.ts')
    runElectronApp({ rendererDir: join(base, 'renderer'), preloadPath: join(base, 'preload.cjs'), env: { OTP_CONSOLE_DATA_DIR: dataDir } })
    standIn.ready()
    await vi.waitFor(() => expect(standIn.windows).toHaveLength(1), { timeout: 10_000 })
    const handle = standIn.schemeHandlers.get('app')!
    expect((await handle(new Request(APP_ENTRY_URL))).status).toBe(200)
    for (const url of ['app://console/link.js', 'app://console/up/secret.txt']) {
      const response = await handle(new Request(url))
      expect(response.status, url).toBe(403)
      expect(await response.text()).toBe('')
    }
    await quit(standIn)
  })

  it('quitting closes the runtime once, then lets the app quit', async () => {
    const { app } = await launchReady()
    app.electron.app.quit()
    // A second quit while closing must not close again.
    const second = standInEvent()
    app.electron.app.emit('will-quit', second)
    expect(second.defaultPrevented).toBe(false)
    await vi.waitFor(() => expect(app.record.quit).toBe(true), { timeout: 10_000 })
    expect(app.record.quitCalls).toBe(2)
    expect(logLines().filter((line) => line.msg === 'main.stopping')).toHaveLength(1)
    expect(app.record.exitCode).toBeUndefined()
  })

  it('reopens the window where the last run closed it, and on a display that still exists', async () => {
    const first = await launchReady()
    expect(first.window.options).toMatchObject({ x: 320, y: 130, width: 1280, height: 820 }) // nothing saved: centred
    Object.assign(first.window.options, { x: 100, y: 50, width: 1100, height: 700 }) // the operator moves and resizes it
    first.window.emit('close')
    await quit(first.app)
    expect(statSync(join(dataDir, 'window.json')).mode & 0o777).toBe(0o600)

    const second = await launchReady()
    expect(second.window.options).toMatchObject({ x: 100, y: 50, width: 1100, height: 700 })
    await quit(second.app)

    // The monitor it was on is gone: it opens on the one that is left, fitted to it.
    writeFileSync(join(dataDir, 'window.json'), JSON.stringify({ x: 2500, y: 40, width: 1400, height: 900, maximized: false }))
    const third = await launchReady({ displays: [{ x: 0, y: 0, width: 1024, height: 700 }] })
    expect(third.window.options).toMatchObject({ x: 0, y: 0, width: 1024, height: 700 })
    await quit(third.app)
  })

  it('a second instance quits at once and opens nothing', async () => {
    const app = await launch({ singleInstance: false })
    app.ready()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(app.record.quit).toBe(true)
    expect(app.windows).toHaveLength(0)
    expect(app.ipcHandlers.size).toBe(0)
  })
})

describe('a failure while starting', () => {
  // The one line the app prints on stderr (besides the box) is checked, not shown.
  const printed: unknown[] = []
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation((line: unknown) => void printed.push(line)))
  afterEach(() => vi.restoreAllMocks())

  it('with the database locked by another process: an error box naming the log folder, exit code 1, no window', async () => {
    const lock = new DatabaseSync(join(dataDir, 'history.sqlite'))
    lock.exec('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE held (x); ')
    try {
      const app = await launch()
      app.ready()
      await vi.waitFor(() => expect(app.record.exitCode).toBe(1), { timeout: 15_000 })
      expect(app.windows).toHaveLength(0)
      expect(app.errorBoxes).toEqual([{ title: STARTUP_FAILURE_TITLE, content: expect.stringContaining(join(dataDir, 'logs')) }])
      expect(app.errorBoxes[0]!.content).toMatch(/locked/)
      expect(printed.at(-1)).toBe(`${STARTUP_FAILURE_TITLE}: database is locked`)
      expect(logLines().some((line) => line.msg === 'main.start-failed' && String(line.error).includes('locked'))).toBe(true)
    } finally {
      lock.close()
    }
  })

  it('with a data folder that cannot be created: the same error box and exit code 1', async () => {
    const blocker = join(dataDir, 'not-a-folder')
    writeFileSync(blocker, 'a file where the data folder should be')
    dataDir = blocker
    const app = await launch()
    app.ready()
    await vi.waitFor(() => expect(app.record.exitCode).toBe(1), { timeout: 10_000 })
    expect(app.windows).toHaveLength(0)
    expect(app.errorBoxes).toEqual([{ title: STARTUP_FAILURE_TITLE, content: expect.stringContaining(join(blocker, 'logs')) }])
    expect(existsSync(join(blocker, 'logs'))).toBe(false)
  })
})
