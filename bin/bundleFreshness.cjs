// Where the CLI bundle is and whether it still matches the sources: the part of
// bin/cliBundle.mjs that the launcher needs on every start. CommonJS on purpose: `require()`
// hands over Node's built-in modules as they are, while an ESM `import` of node:fs first builds
// its whole namespace, which loads Node's streams (~4 ms of a `--help` that takes ~40 ms).
'use strict'

const { readFileSync, statSync } = require('node:fs')
const { join, resolve, sep } = require('node:path')

const ROOT = resolve(__dirname, '..')
const BUNDLE_DIR = join(ROOT, 'out-cli')
const MANIFEST = 'manifest.json'

function fingerprint(file) {
  const stat = statSync(file)
  return `${stat.size}:${stat.mtimeMs}`
}

/**
 * The bundle's entry file if the bundle in `dir` was built from the sources as they are now
 * (same size and modification time for every file it contains, package.json included);
 * null if there is no bundle or any of them changed.
 */
function freshBundleEntry(dir = BUNDLE_DIR) {
  let manifest
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'))
  } catch {
    return null
  }
  try {
    // The manifest's paths are relative and normal (path.relative): joined by hand, as
    // path.join's normalising took more time than the stat calls themselves.
    for (const [file, print] of Object.entries(manifest.sources)) {
      if (fingerprint(ROOT + sep + file) !== print) return null
    }
  } catch {
    return null
  }
  return join(dir, manifest.entry)
}

module.exports = { ROOT, BUNDLE_DIR, MANIFEST, fingerprint, freshBundleEntry }
