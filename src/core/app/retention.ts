import type { DatabaseSync } from 'node:sqlite'
import { retentionCutoff, type RetentionState } from '../../shared/domain/retention.ts'
import type { AuditTrail } from '../audit/types.ts'
import { purgeAttemptsBefore } from '../history/historyPurge.ts'
import type { Logger } from '../log/logger.ts'
import type { SettingsStore } from '../settings/settingsStore.ts'

// The retention policy (settings.json `retentionMonths`, default 13): attempts older than it
// are purged at start-up and then daily while the console runs; `cli purge --before DATE`
// purges on demand. Every purge that deletes something is an audit entry, and a purge asked
// for on the command line is one even when nothing was old enough.

export const PURGE_INTERVAL_MS = 24 * 60 * 60 * 1000

export type PurgeTrigger = 'startup' | 'daily' | 'settings' | 'cli'

export interface RetentionDeps {
  db: DatabaseSync
  audit: Pick<AuditTrail, 'record'>
  settings: Pick<SettingsStore, 'read'>
  logger: Logger
  now: () => number
}

export function createRetention(deps: RetentionDeps) {
  function purgeBefore(cutoff: number, trigger: PurgeTrigger): number {
    const attempts = purgeAttemptsBefore(deps.db, cutoff)
    const before = new Date(cutoff).toISOString()
    if (attempts > 0 || trigger === 'cli') {
      const months = trigger === 'cli' ? null : deps.settings.read().retentionMonths
      deps.audit.record({
        action: 'history.purge',
        summary: `Purged ${attempts} attempt${attempts === 1 ? '' : 's'} (with their phone numbers) started before ${before}${months === null ? ', from the command line' : `, retention ${months} months`}`,
        details: { attempts, before, trigger, retentionMonths: months },
      })
    }
    deps.logger.info('history.purge', { attempts, before, trigger })
    return attempts
  }

  const state = (): RetentionState => {
    const months = deps.settings.read().retentionMonths
    return { months, cutoff: retentionCutoff(deps.now(), months) }
  }

  return {
    state,
    purgeBefore,
    /** Purges what the retention setting says is too old. */
    purgeExpired: (trigger: PurgeTrigger) => purgeBefore(state().cutoff, trigger),
    /** Purges now (start-up) and every PURGE_INTERVAL_MS; returns the stop function. */
    schedule(intervalMs = PURGE_INTERVAL_MS): () => void {
      const run = (trigger: PurgeTrigger) => {
        try {
          purgeBefore(state().cutoff, trigger)
        } catch (error) {
          deps.logger.error('history.purge-failed', { trigger, reason: error instanceof Error ? error.message : String(error) })
        }
      }
      run('startup')
      const timer = setInterval(() => run('daily'), intervalMs)
      timer.unref()
      return () => clearInterval(timer)
    },
  }
}

export type Retention = ReturnType<typeof createRetention>
