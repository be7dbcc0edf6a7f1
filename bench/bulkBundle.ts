import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The bulk bench's child processes run from a bundle built like the CLI's (bin/cliBundle.mjs:
// rolldown, node: built-ins and the keychain addon external), not from the TypeScript sources.
// It stays ESM where the CLI's is CommonJS (bulkChild.ts awaits at its top): the two differ in
// start-up time only, which this bench does not measure. Not from the sources: loading ~300
// .ts files through Node's type stripper loads a TypeScript compiler (~50 MB of RSS) that
// neither `otp-console` (which runs out-cli/) nor the desktop app (its electron-vite bundle)
// ever loads, and the 100,000-row figure is the runner's memory.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CHILD_SOURCE = join(ROOT, 'bench', 'bulkChild.ts')
/** Ignored by git (node_modules/), and `@napi-rs/keyring` resolves from there as from out-cli/. */
const BUNDLE_DIR = join(ROOT, 'node_modules', '.cache', `otp-bench-bulk-${process.pid}`)

/** Builds bench/bulkChild.ts and everything it imports into one folder; returns the entry file and a clean-up. */
export async function bundleBulkChild(): Promise<{ entry: string; remove(): void }> {
  const { build } = await import('rolldown')
  rmSync(BUNDLE_DIR, { recursive: true, force: true })
  mkdirSync(BUNDLE_DIR, { recursive: true })
  await build({
    input: { bulkChild: CHILD_SOURCE },
    platform: 'node',
    external: [/^node:/, '@napi-rs/keyring'],
    logLevel: 'warn',
    output: { dir: BUNDLE_DIR, format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    write: true,
  })
  return { entry: join(BUNDLE_DIR, 'bulkChild.mjs'), remove: () => rmSync(BUNDLE_DIR, { recursive: true, force: true }) }
}
