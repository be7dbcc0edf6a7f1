import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import { createOsSecretStore } from '../../src/core/credentials/secretStore.ts'
import type { HostPlatform } from '../../src/main/ipc/context.ts'
import { createSenderCheck } from '../../src/main/ipc/dispatch.ts'
import { startMain, type MainRuntime } from '../../src/main/startMain.ts'
import { CHROMIUM_PATH, ROOT } from '../support/constants.ts'
import { serveStatic } from '../support/staticServer.ts'
import type { AppHandle, LaunchOptions } from './types.ts'

const OUT = join(ROOT, 'out')

/**
 * Runs the built preload bundle in the page with a stand-in for the two Electron objects it
 * uses, so `window.otp` comes from the very factory and code the app ships. Calls travel
 * through a Playwright binding to the real main-side dispatch in the test process.
 */
function preloadShim(preloadSource: string): string {
  return `(() => {
    const listeners = new Map()
    window.__otpEmit = (channel, payload) => { for (const listener of listeners.get(channel) ?? []) listener({}, payload) }
    const electron = {
      contextBridge: { exposeInMainWorld: (key, value) => Object.defineProperty(window, key, { value, enumerable: true }) },
      ipcRenderer: {
        invoke: (channel, payload) => window.__otpIpcInvoke(channel, payload),
        on: (channel, listener) => { listeners.set(channel, [...(listeners.get(channel) ?? []), listener]) },
        removeListener: (channel, listener) => { listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener)) },
      },
    }
    const require = (id) => { if (id === 'electron') return electron; throw new Error('A sandboxed preload can only require electron, not ' + id) }
    const module = { exports: {} }
    ;(function (require, module, exports) {\n${preloadSource}\n})(require, module, module.exports)
  })()`
}

export async function launchBrowser(options: LaunchOptions): Promise<AppHandle> {
  const preloadSource = readFileSync(join(OUT, 'preload', 'index.cjs'), 'utf8')
  const site = await serveStatic(join(OUT, 'renderer'))
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } })
  let nextSavePath: string | undefined
  let nextOpenPath: string | undefined
  let nextConfirmation: boolean | undefined
  const confirmations: string[] = []
  const page: Page = await context.newPage()
  const revealed: string[] = []

  const host: HostPlatform = {
    async chooseSavePath() {
      const path = nextSavePath
      nextSavePath = undefined
      return path
    },
    async chooseOpenPath() {
      const path = nextOpenPath
      nextOpenPath = undefined
      return path
    },
    showInFolder: (path) => void revealed.push(path),
    openFolder: async () => {},
    // The OS dialog itself: answers what the spec chose, or Cancel (its default button).
    async confirm({ message }) {
      confirmations.push(message)
      const answer = nextConfirmation ?? false
      nextConfirmation = undefined
      return answer
    },
  }

  async function start(): Promise<MainRuntime> {
    return startMain({
      dataDir: options.dataDir,
      appVersion: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
      fetch: (input, init) => fetch(input, init),
      secretStore: createOsSecretStore(options.keychainService),
      host,
      emit: (channel, payload) => void page.evaluate(([c, p]) => (window as unknown as { __otpEmit(c: unknown, p: unknown): void }).__otpEmit(c, p), [channel, payload] as const).catch(() => {}),
      isTrustedSender: createSenderCheck({ devOrigin: site.origin }),
      training: { onTokenIssued: options.onTokenIssued, onSignatureReceived: options.onSignatureReceived },
    })
  }

  let runtime = await start()
  // The sender URL is the calling frame's own URL, so the main-side sender check is exercised.
  await page.exposeBinding('__otpIpcInvoke', (source, channel: string, payload: unknown) => runtime.dispatch(channel, payload, source.frame.url()))
  await page.addInitScript({ content: preloadShim(preloadSource) })
  await page.goto(`${site.origin}/index.html`)

  return {
    driver: 'browser',
    page,
    dataDir: options.dataDir,
    async restart() {
      await runtime.close()
      runtime = await start()
      await page.reload()
    },
    async answerSaveDialog(path) {
      nextSavePath = path
    },
    async answerOpenDialog(path) {
      nextOpenPath = path
    },
    async answerConfirmation(accept) {
      nextConfirmation = accept
    },
    async confirmationsShown() {
      return [...confirmations]
    },
    async close() {
      await browser.close()
      await runtime.close()
      await site.close()
    },
  }
}
