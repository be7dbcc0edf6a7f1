import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// The CLI tests run `otp-console` as users do, through bin/otp-console.mjs: make sure the
// bundle it loads matches the sources under test (rebuilt only if a source changed since).
export default function bundleCli(): void {
  const bundler = fileURLToPath(new URL('../../bin/cliBundle.mjs', import.meta.url))
  const result = spawnSync(process.execPath, [bundler, '--if-stale'], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`Could not bundle the CLI for its tests: ${result.stderr}`)
}
