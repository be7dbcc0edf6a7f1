// The CLI bundle: src/cli/main.ts and everything it imports, bundled by rolldown (which Vite
// already brings) into out-cli/, so `otp-console` loads a few files instead of ~300. Built by
// `npm install` (the `prepare` script runs this file); bin/otp-console.mjs uses it only while
// it matches the sources it was built from, and runs the sources directly otherwise.
//
// Plain JavaScript on purpose: `npm install` runs this before anything is built, on whatever
// Node the machine has. The launcher needs only bundleFreshness.cjs (where the bundle is, and
// whether it is fresh), which this file builds on.

import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import freshness from './bundleFreshness.cjs'

export const { ROOT, BUNDLE_DIR, freshBundleEntry } = freshness
const { MANIFEST, fingerprint } = freshness
const SOURCE_ENTRY = join(ROOT, 'src', 'cli', 'main.ts')

/** Builds the bundle into a fresh folder, then swaps it in, so a running CLI never sees half of one. */
export async function buildCliBundle(dir = BUNDLE_DIR) {
  const { build } = await import('rolldown')
  const staging = `${dir}.staging-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  const result = await build({
    input: { main: SOURCE_ENTRY },
    platform: 'node',
    // The keychain binding is a native addon: it is loaded from node_modules as it is.
    external: [/^node:/, '@napi-rs/keyring'],
    logLevel: 'warn',
    // CommonJS: the bundle's `require('node:crypto')` and the like cost nothing beyond loading the
    // module, where ESM imports of Node's built-ins build their namespaces first (node:crypto's
    // loads Web Crypto: ~7 ms). main.ts runs itself only as a source file (import.meta.main).
    output: { dir: staging, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
    transform: { define: { 'import.meta.main': 'false' } },
    write: true,
  })
  const modules = new Set([join(ROOT, 'package.json')])
  for (const output of result.output) {
    for (const id of output.moduleIds ?? []) if (id.startsWith(ROOT) && !id.includes('node_modules') && existsSync(id)) modules.add(id)
  }
  const sources = {}
  for (const file of [...modules].sort()) sources[relative(ROOT, file)] = fingerprint(file)
  writeFileSync(join(staging, MANIFEST), `${JSON.stringify({ entry: 'main.cjs', sources }, null, 1)}\n`)
  mkdirSync(dirname(dir), { recursive: true })
  const old = `${dir}.old-${process.pid}`
  if (existsSync(dir)) renameSync(dir, old)
  renameSync(staging, dir)
  rmSync(old, { recursive: true, force: true })
  return { dir, files: result.output.length, sources: Object.keys(sources).length }
}

// `node bin/cliBundle.mjs [--if-stale]`: the `prepare` script (npm install) and the test set-up.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24) {
    // Not an install failure: the launcher tells the user what to do when they run it.
    console.log(`otp-console: not bundled (Node.js 24 or newer is needed; this is ${process.version}).`)
  } else if (process.argv.includes('--if-stale') && freshBundleEntry()) {
    console.log('otp-console: bundle is up to date.')
  } else {
    const built = await buildCliBundle()
    console.log(`otp-console: bundled ${built.sources} source files into ${relative(ROOT, built.dir)}/ (${built.files} files).`)
  }
}
