import { listTeamConsoles, verifyTeamConsole } from '../../core/team/teamAudit.ts'
import { teamTarget, TeamConfigError } from '../../core/team/teamConfig.ts'
import type { TeamSettings } from '../../shared/domain/team.ts'
import type { TeamSettingsView } from '../../shared/domain/teamViews.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import type { HandlerMap, MainContext } from './context.ts'
import { caFileProblem } from './teamCaFile.ts'
import { teamPoolRead } from './teamReads.ts'

type TeamMethods =
  | 'getTeamSettings'
  | 'setTeamSettings'
  | 'clearTeamSettings'
  | 'chooseTeamCaFile'
  | 'setTeamPassword'
  | 'deleteTeamPassword'
  | 'testTeamConnection'
  | 'getTeamStatus'
  | 'listTeamConsoles'
  | 'verifyTeamAudit'

const ENV_OWNS_IT = 'OTP_CONSOLE_TEAM_DB sets the team database for this console: change or unset it there, then restart the console.'

/** A CA file is needed for verify-ca / verify-full, and must pass main's own check. */
function checkSettings(settings: TeamSettings): Result<TeamSettings> {
  if (settings.tlsMode !== 'verify-ca' && settings.tlsMode !== 'verify-full') return ok({ ...settings, caFile: null })
  const problem = settings.caFile === null ? 'Choose the CA certificate file.' : caFileProblem(settings.caFile)
  return problem ? fail('invalid-input', problem, { caFile: problem }) : ok(settings)
}

/**
 * Team settings, password, Test connection and status (issue 14). Every change goes through
 * core's team service (audited there: settings, target, whether the password changed — never
 * the password) and then restarts the replicator on what is now in force.
 */
export function teamHandlers(ctx: MainContext): Pick<HandlerMap, TeamMethods> {
  const { core } = ctx
  const { passwords } = ctx.team

  async function view(): Promise<TeamSettingsView> {
    const keychainAvailable = (await core.vault.probe()).available
    let settings: TeamSettings | null
    let source: TeamSettingsView['source']
    try {
      const connection = await core.team.connection()
      settings = connection?.settings ?? null
      source = connection?.source ?? null
    } catch (error) {
      if (!(error instanceof TeamConfigError)) throw error
      settings = null
      source = 'env' // a bad OTP_CONSOLE_TEAM_DB: the status names the problem
    }
    const storedFor = keychainAvailable ? await passwords.storedTarget().catch(() => undefined) : undefined
    return { settings, source, passwordStored: settings !== null && storedFor === teamTarget(settings), keychainAvailable }
  }

  /** The team service's configure (audited), then the replicator restarted on it. */
  async function configure(input: { settings: TeamSettings | null; password?: string | null }): Promise<Result<TeamSettingsView>> {
    const refusal = core.audit.unavailable()
    if (refusal) return fail('keychain-unavailable', refusal)
    if ((await view()).source === 'env') return fail('invalid-input', ENV_OWNS_IT)
    await core.team.configure(input)
    await ctx.team.restart()
    return ok(await view())
  }

  return {
    getTeamSettings: async () => ok(await view()),
    setTeamSettings: async ({ settings, password }) => {
      const checked = checkSettings(settings)
      if (!checked.ok) return checked
      return configure(password === undefined ? { settings: checked.value } : { settings: checked.value, password })
    },
    clearTeamSettings: () => configure({ settings: null }),
    chooseTeamCaFile: async () => {
      const path = await ctx.host.chooseOpenPath({ title: 'CA certificate of the team database', filterName: 'PEM certificates', extensions: ['pem', 'crt', 'cer'] })
      if (path === undefined) return ok({ path: null })
      const problem = caFileProblem(path)
      return problem ? fail('invalid-input', problem, { caFile: problem }) : ok({ path })
    },
    setTeamPassword: async ({ password }) => {
      const current = core.settings.read().team
      if (!current) return fail('invalid-input', 'Save the team database first; its password is stored for that connection.')
      return configure({ settings: current, password })
    },
    deleteTeamPassword: async () => {
      const current = core.settings.read().team
      if (!current) return ok(await view())
      return configure({ settings: current, password: null })
    },
    testTeamConnection: async ({ settings, password }) => {
      const checked = checkSettings(settings)
      if (!checked.ok) return checked
      // Without a typed password: the one stored for exactly this connection (or PGPASSWORD).
      const result = await core.team.test(checked.value, password)
      ctx.logger.info('team.test-connection', { target: teamTarget(checked.value), ok: result.ok })
      return ok(result)
    },
    getTeamStatus: async () => ok(core.team.status()),
    listTeamConsoles: () => teamPoolRead(ctx, 'consoles', (pool) => listTeamConsoles(pool)),
    verifyTeamAudit: ({ consoleId }) => teamPoolRead(ctx, 'audit-verify', (pool) => verifyTeamConsole(pool, consoleId, ctx.team.secretStore)),
  }
}
