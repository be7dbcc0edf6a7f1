import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { describe, expect, it } from 'vitest'
import config, { PACKAGED_FILES } from '../electron-builder.config.ts'
import { afterPack, packedExecutable } from './afterPack.ts'
import { FUSES } from './fuses.ts'

// What the packaged app would contain, as far as this machine allows (`npm run dist` needs
// the Electron download): electron-builder's own matcher applied to the repo after a build,
// electron-builder's own production-dependency collector, and the fuse object flipped into a
// binary carrying Electron's fuse wire.

const ROOT = join(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
type Filter = (file: string, stat: { isDirectory(): boolean }) => boolean
const { getMainFileMatchers } = require('app-builder-lib/out/fileMatcher.js') as {
  getMainFileMatchers(appDir: string, destination: string, macro: (p: string) => string, options: object, packager: object, outDir: string, isElectronCompile: boolean): { createFilter(): Filter }[]
}

/** The files electron-builder would put into app.asar from `appDir` (node_modules aside), relative and sorted. */
function packagedFiles(appDir: string): string[] {
  // The parts of a platform packager that getMainFileMatchers reads.
  const packager = { info: { isPrepackedAppAsar: false, config, projectDir: appDir, buildResourcesDir: 'build', debugLogger: { isEnabled: false } } }
  const [matcher] = getMainFileMatchers(appDir, '/app', (pattern) => pattern, {}, packager, join(appDir, 'dist'), false)
  const filter = matcher!.createFilter()
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.name === 'node_modules' || entry.name === '.git') continue // node_modules: collected separately, as electron-builder does
      const stat = statSync(path)
      if (!filter(path, stat)) continue
      if (stat.isDirectory()) walk(path)
      else files.push(relative(appDir, path).split('\\').join('/'))
    }
  }
  walk(appDir)
  return files.sort()
}

describe('packaged files (electron-builder matcher)', () => {
  it('on a tree with everything a build leaves lying around: only built output and package.json', () => {
    const tree = mkdtempSync(join(tmpdir(), 'otp-pack-'))
    const files = [
      'package.json', 'README.md', 'package-lock.json', 'electron-builder.config.ts', 'tsconfig.json',
      'out/main/index.js', 'out/main/index.js.map', 'out/preload/index.cjs', 'out/preload/index.cjs.map',
      'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'out/renderer/assets/index-abc.js.map', 'out/renderer/assets/index-abc.css',
      'src/main/index.ts', 'src/renderer/src/App.vue', 'src/core/app/appCore.test.ts', 'e2e/specs/enroll.spec.ts',
      'bench/history.ts', '.bench-data/history.sqlite', '.e2e-data/run-1/history.sqlite', '.test-results/unit.json',
      'test-results/e2e-browser.json', 'scripts/start.mjs', 'packaging/fuses.ts', 'build/icon.png', 'docs/interswitch-api.md', 'dist/linux-unpacked/x',
    ]
    for (const file of files) {
      mkdirSync(dirname(join(tree, file)), { recursive: true })
      writeFileSync(join(tree, file), 'x')
    }
    expect(packagedFiles(tree)).toEqual(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/assets/index-abc.css', 'out/renderer/assets/index-abc.js', 'out/renderer/index.html', 'package.json'])
  })

  it('on this repo after `npm run build`: the built main, preload and renderer and package.json, nothing else', () => {
    expect(existsSync(join(ROOT, 'out', 'main', 'index.js')), 'out/ is missing: run `npm run build` first (npm test builds before the unit tests)').toBe(true)
    const files = packagedFiles(ROOT)
    expect(files).toEqual(expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json']))
    const unexpected = files.filter((file) => !/^out\/(main|preload|renderer)\//.test(file) && file !== 'package.json')
    expect(unexpected).toEqual([])
    expect(files.filter((file) => /\.(map|ts|vue)$/.test(file))).toEqual([])
    expect(PACKAGED_FILES).toContain('!**/*.map')
  })

  it('node_modules: the production dependencies electron-builder collects, and no development tool', async () => {
    const { getCollectorByPackageManager } = require('app-builder-lib/out/node-module-collector/index.js') as {
      getCollectorByPackageManager(pm: string, root: string, tmp: unknown): { getNodeModules(o: { packageName: string }): Promise<{ nodeModules: { name: string; dependencies?: unknown[] }[] }> }
    }
    const { TmpDir } = require('builder-util') as { TmpDir: new (name: string) => { cleanup(): Promise<void> } }
    const tmp = new TmpDir('otp-packaging-test')
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> }
    try {
      const { nodeModules } = await getCollectorByPackageManager('npm', ROOT, tmp).getNodeModules({ packageName: pkg.name })
      const names = new Set<string>()
      const walk = (list: { name: string; dependencies?: unknown[] }[] | undefined) => list?.forEach((m) => (names.add(m.name), walk(m.dependencies as typeof list)))
      walk(nodeModules)
      for (const dependency of Object.keys(pkg.dependencies)) expect(names, dependency).toContain(dependency)
      const devOnly = Object.keys(pkg.devDependencies).filter((name) => !(name in pkg.dependencies))
      expect(devOnly.filter((name) => names.has(name))).toEqual([])
      for (const tool of ['electron', 'electron-builder', 'vite', 'vitest', 'typescript', 'eslint', '@playwright/test', 'playwright-core', 'fast-check']) expect(names.has(tool), tool).toBe(false)
    } finally {
      await tmp.cleanup()
    }
  }, 60_000)
})

describe('fuses', () => {
  it('the fuse object has every required value, and sets every fuse explicitly', () => {
    expect(FUSES).toMatchObject({
      version: '1',
      strictlyRequireAllFuses: true,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    })
    const known = Object.values(FuseV1Options).filter((value) => typeof value === 'number')
    for (const option of known) expect(typeof (FUSES as Record<number, unknown>)[option], FuseV1Options[option]).toBe('boolean')
  })

  it('electron-builder runs the afterPack hook that flips them', () => {
    expect(config.afterPack).toBe(afterPack)
  })

  it('afterPack flips exactly that wire into the packed binary (a file carrying a fuse wire at Electron’s defaults)', async () => {
    const appOutDir = mkdtempSync(join(tmpdir(), 'otp-fuses-'))
    const context = { appOutDir, electronPlatformName: 'linux', packager: { executableName: 'otp-enrollment-console', appInfo: { productFilename: 'OTP Enrollment Console' } } }
    const binary = packedExecutable(context)
    expect(binary).toBe(join(appOutDir, 'otp-enrollment-console'))
    // Electron's defaults: run as Node, NODE_OPTIONS, inspect, file privileges and WASM traps on.
    // The layout is Electron's: sentinel, wire version 1, wire length, one byte per fuse.
    const defaults = '101100011'
    writeFileSync(binary, Buffer.concat([Buffer.alloc(4096, 7), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, defaults.length]), Buffer.from(defaults), Buffer.alloc(4096, 7)]))
    const before = await getCurrentFuseWire(binary)
    expect(before[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE)
    await afterPack(context)
    const after = await getCurrentFuseWire(binary)
    for (const option of Object.values(FuseV1Options).filter((value) => typeof value === 'number')) {
      expect(after[option], FuseV1Options[option]).toBe((FUSES as Record<number, boolean>)[option] ? FuseState.ENABLE : FuseState.DISABLE)
    }
  })
})
