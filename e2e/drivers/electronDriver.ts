import { appendFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { _electron, type ElectronApplication } from '@playwright/test'
import { ROOT } from '../support/constants.ts'
import type { AppHandle, LaunchOptions } from './types.ts'

/** The installed Electron binary, or why there is none (it is downloaded by electron's install script). */
export function electronBinary(): { path: string } | { missing: string } {
  try {
    const pathFile = join(ROOT, 'node_modules', 'electron', 'path.txt')
    if (!existsSync(pathFile)) return { missing: 'the electron package has no binary (its install script did not download one)' }
    const path = createRequire(join(ROOT, 'package.json'))('electron') as unknown as string
    return existsSync(path) ? { path } : { missing: `no file at ${path}` }
  } catch (error) {
    return { missing: error instanceof Error ? error.message : String(error) }
  }
}

export async function launchElectron(options: LaunchOptions): Promise<AppHandle> {
  const binary = electronBinary()
  if (!('path' in binary)) throw new Error(`Electron driver unavailable: ${binary.missing}`)
  const executablePath = binary.path
  const logFile = join(options.dataDir, 'electron-output.log')

  async function start(): Promise<ElectronApplication> {
    const app = await _electron.launch({
      executablePath,
      args: [join(ROOT, 'out', 'main', 'index.js'), ...(process.env.CI ? ['--no-sandbox'] : [])],
      env: { ...process.env, OTP_CONSOLE_DATA_DIR: options.dataDir, OTP_CONSOLE_KEYCHAIN_SERVICE: options.keychainService } as Record<string, string>,
    })
    // Keep what the app prints: the secret scan reads it afterwards.
    app.process().stdout?.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk))
    app.process().stderr?.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk))
    return app
  }

  let app = await start()
  let page = await app.firstWindow()
  return {
    driver: 'electron',
    get page() {
      return page
    },
    dataDir: options.dataDir,
    async restart() {
      await app.close()
      app = await start()
      page = await app.firstWindow()
    },
    async answerSaveDialog(path) {
      // Replace only the OS dialog; everything behind it is the app's own code.
      await app.evaluate(({ dialog }, filePath) => {
        const original = dialog.showSaveDialog
        dialog.showSaveDialog = (async () => {
          dialog.showSaveDialog = original
          return { canceled: false, filePath }
        }) as typeof dialog.showSaveDialog
      }, path)
    },
    async answerOpenDialog(path) {
      // Replace only the OS dialog; everything behind it is the app's own code.
      await app.evaluate(({ dialog }, filePath) => {
        const original = dialog.showOpenDialog
        dialog.showOpenDialog = (async () => {
          dialog.showOpenDialog = original
          return { canceled: false, filePaths: [filePath] }
        }) as typeof dialog.showOpenDialog
      }, path)
    },
    async answerConfirmation(accept) {
      // Replace only the OS dialog; main's confirm() behind it is the app's own code.
      await app.evaluate(({ dialog }, confirm) => {
        const original = dialog.showMessageBox
        dialog.showMessageBox = (async (...args: unknown[]) => {
          dialog.showMessageBox = original
          const options = (args.length > 1 ? args[1] : args[0]) as { message: string; buttons: string[] }
          const shown = ((globalThis as Record<string, unknown>).__otpConfirmations ??= []) as string[]
          shown.push(options.message)
          return { response: confirm ? 1 : 0, checkboxChecked: false }
        }) as typeof dialog.showMessageBox
      }, accept)
    },
    async confirmationsShown() {
      return app.evaluate(() => [...(((globalThis as Record<string, unknown>).__otpConfirmations ?? []) as string[])])
    },
    async close() {
      await app.close()
    },
  }
}
