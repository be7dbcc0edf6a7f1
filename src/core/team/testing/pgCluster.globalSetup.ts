import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLUSTER_FILE, SHARED_DIR_ENV } from './sharedPgCluster.ts'

// Creates the rendezvous folder of the run's shared PostgreSQL cluster (sharedPgCluster.ts);
// the teardown stops the cluster if a test file started it. Nothing starts unless a test asks.
export default function setupSharedPg(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'otp-pg-shared-'))
  process.env[SHARED_DIR_ENV] = dir
  return () => {
    const file = join(dir, CLUSTER_FILE)
    if (existsSync(file)) {
      const { dataDir } = JSON.parse(readFileSync(file, 'utf8')) as { dataDir: string }
      const pgData = join(dataDir, 'data')
      const pgCtl = ['pg_ctl', 'stop', '-m', 'immediate', '-D', pgData]
      try {
        if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...pgCtl], { stdio: 'ignore' })
        else execFileSync(pgCtl[0]!, pgCtl.slice(1), { stdio: 'ignore' })
      } catch {
        // already stopped
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
