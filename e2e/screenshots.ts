import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CHROMIUM_PATH, DOC_PICTURES, DOC_SCREENSHOT_TAG, ROOT } from './support/constants.ts'

// `npm run screenshots`: refreshes docs/screenshots/*.png, the README's pictures. Runs the
// scenarios tagged DOC_SCREENSHOT_TAG with the browser driver and E2E_SCREENSHOTS=1, the only
// way they write there (`npm test` leaves the committed pictures alone). Needs the build
// (the npm script builds first), Chromium and an unlocked keychain, like the E2E suite.

const PICTURES = DOC_PICTURES.map((name) => join(ROOT, 'docs', 'screenshots', `${name}.png`))

if (!existsSync(CHROMIUM_PATH)) {
  console.error(`screenshots: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH).`)
  process.exit(1)
}
const startedAt = Date.now()
const run = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', join(ROOT, 'e2e', 'playwright.config.ts'), '--grep', DOC_SCREENSHOT_TAG],
  { cwd: ROOT, env: { ...process.env, E2E_DRIVER: 'browser', E2E_SCREENSHOTS: '1' }, stdio: 'inherit' },
)
const stale = PICTURES.filter((path) => !existsSync(path) || statSync(path).mtimeMs < startedAt)
if (run.status !== 0 || stale.length > 0) {
  console.error(`screenshots: failed${stale.length ? ` — not written: ${stale.join(', ')}` : ''}`)
  process.exit(1)
}
console.log(`screenshots: ${PICTURES.length} written to docs/screenshots/`)
