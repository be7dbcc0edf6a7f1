import { fileURLToPath } from 'node:url'
import { runElectronApp } from './electron/app.ts'

// The Electron entry. Built to out/main/index.js, beside out/renderer and out/preload.
runElectronApp({
  rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
  preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
  env: process.env,
})
