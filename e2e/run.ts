import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { electronBinary } from './drivers/electronDriver.ts'
import type { DriverName } from './drivers/types.ts'
import { startPgCluster } from '../src/core/team/testing/pgCluster.ts'
import { CHROMIUM_PATH, E2E_CREDENTIALS, E2E_DATA_ROOT, E2E_PG_URL_ENV, E2E_TEAM_PASSWORD, ISSUED_TOKENS_FILE, RECEIVED_SIGNATURES_FILE, ROOT } from './support/constants.ts'
import { basicForms, escapedForms, scanForSecrets } from './support/secretScan.ts'
import { readAxeTotals } from './support/axe.ts'

// Runs the same specs with every driver this machine can run, prints which ran and how many
// scenarios passed, then scans everything the runs left behind for the test secret and tokens.

interface Stats {
  expected: number
  unexpected: number
  skipped: number
  flaky: number
}

function runPlaywright(driver: DriverName): Promise<Stats> {
  const log = createWriteStream(join(E2E_DATA_ROOT, `playwright-${driver}.log`))
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', join(ROOT, 'e2e', 'playwright.config.ts')], {
    cwd: ROOT,
    // E2E_SCREENSHOTS is `npm run screenshots`'s alone: the suite never rewrites docs/screenshots.
    env: { ...process.env, E2E_DRIVER: driver, E2E_SCREENSHOTS: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (chunk: Buffer) => (process.stdout.write(chunk), log.write(chunk)))
  child.stderr.on('data', (chunk: Buffer) => (process.stderr.write(chunk), log.write(chunk)))
  return new Promise((resolve) => {
    child.on('close', () => {
      log.end()
      const report = join(ROOT, 'test-results', `e2e-${driver}.json`)
      if (!existsSync(report)) return resolve({ expected: 0, unexpected: 1, skipped: 0, flaky: 0 })
      const { stats } = JSON.parse(readFileSync(report, 'utf8')) as { stats: Stats }
      resolve(stats)
    })
  })
}

rmSync(E2E_DATA_ROOT, { recursive: true, force: true })
rmSync(ISSUED_TOKENS_FILE, { force: true })
rmSync(RECEIVED_SIGNATURES_FILE, { force: true })
rmSync(join(ROOT, 'test-results'), { recursive: true, force: true })
mkdirSync(E2E_DATA_ROOT, { recursive: true })

const drivers: DriverName[] = []
const electron = electronBinary()
if ('path' in electron) drivers.push('electron')
else console.log(`E2E driver electron: not run here (${electron.missing}); it runs wherever an Electron binary is installed.`)
if (existsSync(CHROMIUM_PATH)) drivers.push('browser')
else console.log(`E2E driver browser: not run (no Chromium at ${CHROMIUM_PATH}; install Debian's chromium or set CHROMIUM_PATH).`)

if (drivers.length === 0 || (process.env.CI && !drivers.includes('browser'))) {
  console.error('E2E: no driver could run — refusing to report success without running a scenario.')
  process.exit(1)
}

// One PostgreSQL cluster for the run (the team specs make their own databases on it).
const pg = await startPgCluster()
process.env[E2E_PG_URL_ENV] = pg.url()

let passed = 0
let failed = 0
const summary: string[] = []
for (const driver of drivers) {
  const stats = await runPlaywright(driver).catch((error: unknown) => {
    pg.destroy()
    throw error
  })
  passed += stats.expected + stats.flaky
  failed += stats.unexpected
  summary.push(`E2E driver ${driver}: ${stats.expected} scenarios passed, ${stats.unexpected} failed, ${stats.skipped} skipped`)
  if (stats.skipped > 0) failed += stats.skipped // no silent skips
  // Accessibility: every state the specs checked with axe-core (e2e/support/axe.ts).
  const axe = readAxeTotals(driver)
  const line = `axe: ${axe.states} states checked, ${axe.violations} violations`
  console.log(`${line} (${driver})`)
  for (const e of axe.entries) for (const v of e.violations) console.log(`  axe ${e.state}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.slice(0, 3).join(', ')}`)
  summary.push(`${line} (${driver})`)
  if (axe.states === 0 || axe.violations > 0) failed += 1
  else passed += 1
}

pg.destroy()

// Secret scan over data folders, history databases, logs and captured output: the test secret,
// the Basic credentials (base64 of id:secret), every bearer token issued and every Signature
// sent, each also in its escaped forms (JSON \u, URL-encoded).
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [])
const tokens = lines(ISSUED_TOKENS_FILE)
const signatures = [...new Set(lines(RECEIVED_SIGNATURES_FILE))]
const needles = [
  ...escapedForms({ label: 'client secret', value: E2E_CREDENTIALS.clientSecret }),
  ...escapedForms({ label: 'team database password', value: E2E_TEAM_PASSWORD }),
  ...basicForms('basic credentials', E2E_CREDENTIALS.clientId, E2E_CREDENTIALS.clientSecret).flatMap(escapedForms),
  ...tokens.flatMap((value, i) => escapedForms({ label: `bearer token #${i + 1}`, value })),
  ...signatures.flatMap((value, i) => escapedForms({ label: `signature #${i + 1}`, value })),
]
const scan = scanForSecrets(E2E_DATA_ROOT, needles, E2E_CREDENTIALS.clientId)
const scanFiles = scan.filesScanned
const scanOk = scan.hits.length === 0 && tokens.length > 0 && signatures.length > 0 && scan.controlFiles.some((f) => f.includes('history.sqlite'))
summary.push(
  `Secret scan: ${scanFiles} files (${Math.round(scan.bytesScanned / 1024)} KiB) checked for the test secret, its Basic credentials, the team database password, ${tokens.length} issued tokens and ${signatures.length} signatures (${needles.length} forms): ${scan.hits.length} hits` +
    (scanOk ? '' : scan.hits.length ? ` — ${scan.hits.map((h) => `${h.label} in ${h.file}`).join(', ')}` : ' — scan not meaningful: no tokens issued, no signature received, or the client id (positive control) was not found in any history database'),
)
if (scanOk) passed += 1
else failed += 1

console.log(`\n${summary.join('\n')}`)
console.log(`e2e: ${passed} passed, ${failed} failed`)
// `npm test` runs the unit suite just before and passes --total-with-unit, so the run ends
// with one total line for both suites.
const unitReport = join(ROOT, '.test-results', 'unit.json')
if (process.argv.includes('--total-with-unit') && existsSync(unitReport)) {
  const unit = JSON.parse(readFileSync(unitReport, 'utf8')) as { numPassedTests: number; numFailedTests: number }
  console.log(`tests: ${unit.numPassedTests + passed} passed, ${unit.numFailedTests + failed} failed`)
}
process.exit(failed === 0 ? 0 : 1)
