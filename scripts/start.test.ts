import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// `npm start` (scripts/start.mjs) run as a real process in a scratch project whose
// node_modules holds stand-ins for the electron and electron-vite packages.

function project(options: { electron?: 'none' | 'no-path-file' | 'no-binary' | 'present' }) {
  const root = mkdtempSync(join(tmpdir(), 'otp-start-'))
  mkdirSync(join(root, 'scripts'))
  copyFileSync(join(import.meta.dirname, 'start.mjs'), join(root, 'scripts', 'start.mjs'))
  const electron = join(root, 'node_modules', 'electron')
  if (options.electron !== 'none') {
    mkdirSync(join(electron, 'dist'), { recursive: true })
    writeFileSync(join(electron, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1', main: 'index.js' }))
    // Like the real package: requiring it would try to download. The script must never do that.
    writeFileSync(join(electron, 'index.js'), "throw new Error('Electron failed to install correctly')")
    if (options.electron !== 'no-path-file') writeFileSync(join(electron, 'path.txt'), 'electron')
    if (options.electron === 'present') writeFileSync(join(electron, 'dist', 'electron'), '')
  }
  const vite = join(root, 'node_modules', 'electron-vite')
  mkdirSync(join(vite, 'bin'), { recursive: true })
  writeFileSync(join(vite, 'package.json'), JSON.stringify({ name: 'electron-vite', bin: { 'electron-vite': 'bin/electron-vite.js' } }))
  writeFileSync(join(vite, 'bin', 'electron-vite.js'), "console.log('electron-vite ' + process.argv.slice(2).join(' '))")
  return root
}

const start = (root: string) => {
  const env = { ...process.env }
  delete env.ELECTRON_OVERRIDE_DIST_PATH
  return spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs')], { cwd: root, encoding: 'utf8', env })
}

describe('npm start without the Electron binary', () => {
  it.each([
    ['never downloaded (no path.txt)', 'no-path-file', /never downloaded/],
    ['path.txt but no binary', 'no-binary', /No Electron binary at .*dist[/\\]electron/],
    ['no electron package at all', 'none', /electron package is not installed/],
  ] as const)('%s: says what is missing and how to get it, exits 1, no stack trace', (_name, electron, missing) => {
    const run = start(project({ electron }))
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^Cannot start the console: the Electron binary is missing\./)
    expect(run.stderr).toMatch(missing)
    expect(run.stderr).toContain('node node_modules/electron/install.js')
    expect(run.stderr).toContain('npm run cli')
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(run.stderr).not.toContain('Error')
  })

  it('with the binary present, hands over to electron-vite preview', () => {
    const run = start(project({ electron: 'present' }))
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('electron-vite preview')
    expect(run.status).toBe(0)
  })
})
