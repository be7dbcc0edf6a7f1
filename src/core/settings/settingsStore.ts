import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import { normalApiUrl } from '../../shared/domain/apiUrl.ts'
import { DEFAULT_ENDPOINTS, ENVIRONMENT_IDS, type EnvironmentEndpoints, type EnvironmentId } from '../../shared/domain/environments.ts'
import { teamSettingsSchema, type TeamSettings } from '../../shared/domain/team.ts'
import { DEFAULT_RETENTION_MONTHS, MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS } from '../../shared/domain/retention.ts'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../storage/privateFiles.ts'

export type EditableEnvironment = keyof typeof DEFAULT_ENDPOINTS

export interface Settings {
  activeEnvironment: EnvironmentId
  endpoints: Record<EditableEnvironment, EnvironmentEndpoints>
  /** Attempts older than this many months are purged (src/core/app/retention.ts). */
  retentionMonths: number
  /** The team database (issue 14); null: none, the console works alone. Its password is in the keychain. */
  team: TeamSettings | null
}

const endpointsSchema = z.object({ baseUrl: z.string().min(1), passportUrl: z.string().min(1) })
const fileSchema = z.object({
  activeEnvironment: z.enum(ENVIRONMENT_IDS).catch('training'),
  endpoints: z
    .object({
      sandbox: endpointsSchema.catch(DEFAULT_ENDPOINTS.sandbox),
      production: endpointsSchema.catch(DEFAULT_ENDPOINTS.production),
      custom: endpointsSchema.catch(DEFAULT_ENDPOINTS.custom),
    })
    .partial()
    .catch({}),
  retentionMonths: z.number().int().min(MIN_RETENTION_MONTHS).max(MAX_RETENTION_MONTHS).catch(DEFAULT_RETENTION_MONTHS).default(DEFAULT_RETENTION_MONTHS),
  team: teamSettingsSchema.nullable().catch(null).default(null),
})

export function defaultSettings(): Settings {
  return { activeEnvironment: 'training', endpoints: structuredClone(DEFAULT_ENDPOINTS), retentionMonths: DEFAULT_RETENTION_MONTHS, team: null }
}

export interface SettingsStore {
  read(): Settings
  setActive(id: EnvironmentId): Settings
  setEndpoints(id: EditableEnvironment, endpoints: EnvironmentEndpoints): Settings
  setRetentionMonths(months: number): Settings
  /** Validated with teamSettingsSchema (throws a zod error on bad input); null removes it. */
  setTeam(team: TeamSettings | null): Settings
}

/**
 * Non-secret settings as a small JSON file in the data folder (credentials live in the
 * keychain). Writes go to a temp file and are renamed, so a crash never leaves half a file;
 * a file that cannot be read is kept aside as `.unreadable-<time>` rather than overwritten.
 * URLs are saved in their normal form (shared/domain/apiUrl.ts); a URL edited into the file by
 * hand is loaded as it is, never repaired or replaced: the enrollment client refuses to send to
 * one that fails the rule, and says why.
 */
export function createSettingsStore(path: string, now: () => number = Date.now): SettingsStore {
  let cached: Settings | undefined

  function load(): Settings {
    if (!existsSync(path)) return defaultSettings()
    try {
      const parsed = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')))
      return { activeEnvironment: parsed.activeEnvironment, endpoints: { ...DEFAULT_ENDPOINTS, ...parsed.endpoints }, retentionMonths: parsed.retentionMonths, team: parsed.team }
    } catch {
      renameSync(path, `${path}.unreadable-${now()}`)
      return defaultSettings()
    }
  }

  function save(settings: Settings): Settings {
    ensurePrivateDir(dirname(path))
    const temp = `${path}.${process.pid}.tmp`
    writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: PRIVATE_FILE_MODE })
    renameSync(temp, path)
    cached = settings
    return settings
  }

  const read = () => (cached ??= load())

  return {
    read,
    setActive: (id) => save({ ...read(), activeEnvironment: id }),
    setRetentionMonths(months) {
      if (!Number.isInteger(months) || months < MIN_RETENTION_MONTHS || months > MAX_RETENTION_MONTHS) {
        throw new RangeError(`Retention must be ${MIN_RETENTION_MONTHS} to ${MAX_RETENTION_MONTHS} months, not ${months}.`)
      }
      return save({ ...read(), retentionMonths: months })
    },
    setTeam: (team) => save({ ...read(), team: team === null ? null : teamSettingsSchema.parse(team) }),
    setEndpoints: (id, endpoints) =>
      save({
        ...read(),
        endpoints: { ...read().endpoints, [id]: { baseUrl: normalApiUrl(endpoints.baseUrl), passportUrl: normalApiUrl(endpoints.passportUrl) } },
      }),
  }
}
