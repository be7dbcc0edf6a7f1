// Electronegativity (Doyensec's Electron security checks) over the sources and the built app.
// Fails on any finding that the allow-list (electronegativity-allowlist.json) does not name
// with a reason, and on any allow-list entry that no longer matches a finding.
//
// Offline: Electronegativity looks up translation updates and Electron's release list on
// GitHub when it starts. Here its HTTP client answers "offline" in-process, so nothing leaves
// the machine; the release check (which needs that list) is not run — `npm audit` and the
// pinned Electron version cover it.
import { existsSync, readFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const ALLOW_LIST = join(ROOT, 'electronegativity-allowlist.json')
const TARGETS = ['src', 'out']

const packageDir = dirname(require.resolve('@doyensec/electronegativity/package.json'))
const gotPath = createRequire(join(packageDir, 'dist', 'runner.js')).resolve('got')
const offline = () => Promise.reject(new Error('offline: this scan never goes online'))
const stub = new Module(gotPath)
stub.exports = Object.assign(offline, { head: offline, get: offline, default: offline })
stub.loaded = true
require.cache[gotPath] = stub

const electronegativity = require('@doyensec/electronegativity')
const run = electronegativity.default ?? electronegativity
const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version

const allowList = JSON.parse(readFileSync(ALLOW_LIST, 'utf8'))
const problems = []
for (const entry of allowList) {
  if (!entry.check || !entry.file || typeof entry.reason !== 'string' || entry.reason.trim().length < 10) problems.push(`allow-list entry without a check, file and reason: ${JSON.stringify(entry)}`)
}

const used = new Set()
let findings = 0
for (const target of TARGETS) {
  const input = join(ROOT, target)
  if (!existsSync(input)) {
    problems.push(`${target}/ does not exist (run npm run build first)`)
    continue
  }
  const log = console.log
  console.log = () => {} // its progress and "could not retrieve translations" lines
  let result
  try {
    result = await run({ input, electronVersionOverride: electronVersion, excludeFromScan: ['AvailableSecurityFixesGlobalCheck'], isRelative: false, parserPlugins: [] }, false)
  } finally {
    console.log = log
  }
  for (const error of result.errors.filter((e) => !e.tolerable)) problems.push(`${relative(ROOT, error.file)}: could not be parsed (${error.message})`)
  for (const issue of result.issues) {
    findings += 1
    const file = relative(ROOT, issue.file).split('\\').join('/')
    const index = allowList.findIndex((entry) => entry.check === issue.id && entry.file === file)
    if (index === -1) problems.push(`${issue.id} in ${file}:${issue.location.line}:${issue.location.column} — ${issue.description} (${issue.shortenedURL})`)
    else used.add(index)
  }
}
allowList.forEach((entry, index) => {
  if (!used.has(index)) problems.push(`allow-list entry matches no finding any more (remove it): ${entry.check} in ${entry.file}`)
})

if (problems.length > 0) {
  console.error(`Electronegativity: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`)
  process.exit(1)
}
console.log(`Electronegativity: src/ and out/ scanned for Electron ${electronVersion}: ${findings} findings, all in the allow-list with a reason (${allowList.length} entries).`)
