#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --min-semi-space-size=4 --max-semi-space-size=4
// `otp-console`: the launcher. Written so that any Node.js can read it up to the version
// check (no type annotations, no top-level await, no static imports), then it loads the CLI
// bundle built by `npm install` (out-cli/main.cjs), or the sources themselves if they changed since.
// The V8 flags (any Node accepts them) fix the young generation's semi-spaces at 4 MiB: a long
// bulk run or export does not grow them to V8's 16 (peak RSS of a 100,000-row run 174–187 MB
// against 188–202 MB at 8 MiB and ~224 MB at 16, same rows/s), and start-up stays at about
// one scavenge (4 ms more than 8 MiB for an `enroll`).
// MALLOC_ARENA_MAX=2: glibc keeps two malloc arenas rather than one per thread that allocates
// (V8's and libuv's workers): ~17 MB less RSS for a bulk run at the same speed; other C
// libraries ignore it. The line stays under 128 bytes (the longest shebang older Linux kernels
// read). bench/bulk.ts runs its big run with this line's environment and flags.

var major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  process.stderr.write('otp-console needs Node.js 24 or newer; this is Node.js ' + process.version + '. Install Node.js 24 (https://nodejs.org) and run it again.\n')
  process.exit(2)
} else {
  start()
}

async function start() {
  // Node's built-ins through getBuiltinModule and the bundle through require(): an ESM import
  // of a built-in first builds its whole namespace (see bin/bundleFreshness.cjs).
  const { enableCompileCache, createRequire } = process.getBuiltinModule('node:module')
  // V8's compiled code is kept on disk between runs (Node's own cache in the temp folder).
  enableCompileCache?.()
  const require = createRequire(import.meta.url)
  const bundled = require('./bundleFreshness.cjs').freshBundleEntry()
  if (bundled) return require(bundled).main()
  quietTypeStripping()
  const cli = await import(new URL('../src/cli/main.ts', import.meta.url).href)
  await cli.main()
}

/** Running from source: the type-stripping notice is about Node, not for the CLI's user. */
function quietTypeStripping() {
  const emitWarning = process.emitWarning.bind(process)
  process.emitWarning = (warning, ...rest) => {
    const text = String(warning?.message ?? warning)
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type
    if ((type === 'ExperimentalWarning' || warning?.name === 'ExperimentalWarning') && /type stripping/i.test(text)) return
    emitWarning(warning, ...rest)
  }
}
