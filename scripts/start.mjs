// `npm start`: builds and opens the console with electron-vite, but first checks that the
// Electron binary is really there. The electron package downloads it from GitHub in its
// install script; where that download is not reachable, require('electron') would try again
// and fail with a stack trace. Plain JavaScript: it must run before anything is built.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** The Electron binary electron-vite will run, or what is missing. Never downloads. */
function electronBinary() {
  let packageDir
  try {
    packageDir = dirname(require.resolve('electron/package.json'))
  } catch {
    return { missing: 'The electron package is not installed (run npm install).' }
  }
  const pathFile = join(packageDir, 'path.txt')
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const path = join(override, name || 'electron')
    return existsSync(path) ? { path } : { missing: `No Electron binary at ${path} (from ELECTRON_OVERRIDE_DIST_PATH).` }
  }
  if (!name) return { missing: `The Electron binary was never downloaded: ${pathFile} does not exist (the electron package's install script could not fetch it).` }
  const path = join(packageDir, 'dist', name)
  return existsSync(path) ? { path } : { missing: `No Electron binary at ${path}.` }
}

function electronViteBin() {
  try {
    const packageFile = require.resolve('electron-vite/package.json')
    const { bin } = JSON.parse(readFileSync(packageFile, 'utf8'))
    return join(dirname(packageFile), typeof bin === 'string' ? bin : bin['electron-vite'])
  } catch {
    return undefined
  }
}

const binary = electronBinary()
if (!binary.path) {
  process.stderr.write(
    [
      'Cannot start the console: the Electron binary is missing.',
      `  ${binary.missing}`,
      '',
      'The electron package downloads its binary (about 100 MB) from GitHub during npm install.',
      'To get it, on a machine that can reach GitHub (or through a mirror set in ELECTRON_MIRROR):',
      '  node node_modules/electron/install.js        (or: rm -rf node_modules/electron && npm install)',
      'or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron folder of the same version,',
      'or install the packaged console (README: "Installers").',
      '',
      'The CLI needs no Electron binary and works now:  npm run cli -- --help',
      '',
    ].join('\n'),
  )
  process.exit(1)
}

const bin = electronViteBin()
if (!bin) {
  process.stderr.write('Cannot start the console: electron-vite is not installed (run npm install).\n')
  process.exit(1)
}
const child = spawn(process.execPath, [bin, 'preview', ...process.argv.slice(2)], { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
