import { z } from 'zod'
import { checkApiUrl, MAX_API_URL_LENGTH } from '../domain/apiUrl.ts'
import type { AttemptRecord } from '../domain/attempt.ts'
import type { AppInfo } from '../domain/appInfo.ts'
import type { BulkPreview } from '../domain/bulk.ts'
import { DEFAULT_BULK_CONCURRENCY, MAX_BULK_CONCURRENCY, MAX_BULK_RATE, type BulkProgress, type BulkRunSummary } from '../domain/bulkRun.ts'
import type { BulkExportResult, BulkFilePicked, BulkRunList } from '../domain/bulkViews.ts'
import type { AuditEntry, AuditExportResult, AuditVerification } from '../domain/audit.ts'
import type { EnvironmentsState } from '../domain/environmentState.ts'
import { EXPORT_FORMATS, type ExportProgress, type ExportResult } from '../domain/export.ts'
import type { AttemptDetail, HistoryPage, HistoryTrends, StatusStrip } from '../domain/historyViews.ts'
import { ENVIRONMENT_IDS } from '../domain/environments.ts'
import { historyFilterSchema, historyPageRequestSchema } from '../domain/historyFilter.ts'
import { MIN_SECRET_LENGTH, SECRET_TOO_SHORT } from '../domain/secretRule.ts'
import { SIGNATURE_METHODS } from '../domain/signatureMethods.ts'
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS, type RetentionState } from '../domain/retention.ts'
import type { Result } from '../domain/result.ts'
import { teamSettingsSchema, type TeamConnectionTest, type TeamStatus } from '../domain/team.ts'
import type { TeamAuditVerification, TeamConsoleAudit } from '../domain/teamAudit.ts'
import { HISTORY_SCOPES, type EnrollPrecheckWithTeam, type TeamSettingsView } from '../domain/teamViews.ts'

// The one IPC contract: channel names, request schemas (checked in main on every call) and
// response types. Main, preload and renderer all import it; nothing else defines a channel.

const empty = z.undefined()
const environmentId = z.enum(ENVIRONMENT_IDS)
/** An API or Passport base URL: the one rule (shared/domain/apiUrl.ts), answered in its normal form. */
const httpUrl = z
  .string()
  .max(MAX_API_URL_LENGTH + 64)
  .transform((value, ctx) => {
    const checked = checkApiUrl(value)
    if (checked.ok) return checked.url
    ctx.addIssue({ code: 'custom', message: checked.reason })
    return z.NEVER
  })

/** The team database password: to the keychain, never back. */
const teamPassword = z.string().min(1, 'Enter the password.').max(1024)
/** Which history a request reads (absent: this computer's). */
const historyScope = z.enum(HISTORY_SCOPES).optional()
/** A file picked in main's open dialog, named by the id main gave it: its path never comes from the window. */
const bulkFileId = z.string().min(1).max(64)
/** Which header holds each field (the mapping step's answer), when the headers were not recognised. */
const bulkMapping = z.object({ paymentId: z.string().max(256).optional(), phone: z.string().max(256).optional(), transactionRef: z.string().max(256).optional() })
const bulkRunRef = z.object({ runId: z.number().int().positive() })

export const ipcContract = {
  getAppInfo: { channel: 'app:get-info', request: empty },
  openLogFolder: { channel: 'app:open-log-folder', request: empty },

  getEnvironments: { channel: 'env:get', request: empty },
  setActiveEnvironment: { channel: 'env:set-active', request: z.object({ id: environmentId }) },
  updateEnvironment: {
    channel: 'env:update',
    request: z.object({ id: z.enum(['sandbox', 'production', 'custom']), baseUrl: httpUrl, passportUrl: httpUrl }),
  },

  setCredentials: {
    channel: 'credentials:set',
    request: z.object({
      environment: z.enum(['sandbox', 'production', 'custom']),
      clientId: z.string().trim().min(1, 'Enter the client id.').max(256),
      clientSecret: z.string().min(1, 'Enter the client secret.').min(MIN_SECRET_LENGTH, SECRET_TOO_SHORT).max(1024),
    }),
  },
  deleteCredentials: { channel: 'credentials:delete', request: z.object({ environment: z.enum(['sandbox', 'production', 'custom']) }) },
  /** Main asks the operator in a native dialog to confirm an environment's new destination; the window only asks main to ask. */
  confirmDestination: { channel: 'credentials:confirm-destination', request: z.object({ environment: z.enum(['sandbox', 'production', 'custom']) }) },

  enroll: {
    channel: 'enroll:submit',
    request: z.object({
      paymentId: z.string().max(64),
      phone: z.string().max(64),
      transactionRef: z.string().max(128),
      signatureMethod: z.enum(SIGNATURE_METHODS),
      /** For Production: the payment id typed a second time. */
      productionConfirmation: z.string().max(64).optional(),
      /** Retry of an earlier attempt (a fresh nonce and timestamp are always used). */
      retryOf: z.number().int().positive().optional(),
      /** Operator confirmed a retry of an attempt whose outcome was unknown or enrolled. */
      confirmRetry: z.boolean().optional(),
    }),
  },
  precheckEnroll: { channel: 'enroll:precheck', request: z.object({ paymentId: z.string().max(19).regex(/^\d{1,19}$/) }) },

  queryHistory: { channel: 'history:query', request: historyPageRequestSchema.extend({ scope: historyScope }) },
  countHistory: { channel: 'history:count', request: z.object({ filter: historyFilterSchema, scope: historyScope }) },
  /** In the team scope `id` is the team-wide id of the row (AttemptSummary.origin names the console). */
  getAttempt: { channel: 'history:get', request: z.object({ id: z.number().int().positive(), scope: historyScope }) },
  getStatusStrip: { channel: 'history:status', request: empty },
  /** Trends for the History filter; utcOffsetMinutes = −Date#getTimezoneOffset() (Lagos: 60). */
  getHistoryTrends: {
    channel: 'history:trends',
    request: z.object({ filter: historyFilterSchema, utcOffsetMinutes: z.number().int().min(-840).max(840) }),
  },

  exportHistory: {
    channel: 'export:start',
    request: z.object({
      filter: historyFilterSchema,
      format: z.enum(EXPORT_FORMATS),
      fullPhone: z.boolean().default(false),
      scope: historyScope,
    }),
  },
  cancelExport: { channel: 'export:cancel', request: empty },
  showInFolder: { channel: 'export:show-in-folder', request: z.object({ path: z.string().min(1).max(4096) }) },

  getRetention: { channel: 'settings:get-retention', request: empty },
  /** Saves the retention and purges what is now older than it (audited). */
  setRetention: { channel: 'settings:set-retention', request: z.object({ months: z.number().int().min(MIN_RETENTION_MONTHS).max(MAX_RETENTION_MONTHS) }) },

  listAudit: {
    channel: 'audit:list',
    request: z.object({ beforeSeq: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100) }),
  },
  verifyAudit: { channel: 'audit:verify', request: empty },
  /** Entries with from ≤ at < to (ms), written where the operator chooses in a save dialog. */
  exportAudit: {
    channel: 'audit:export',
    request: z.object({ from: z.number().int().nonnegative().optional(), to: z.number().int().nonnegative().optional() }).default({}),
  },

  getTeamSettings: { channel: 'team:get-settings', request: empty },
  /** Saves the team connection, and a new password when one is typed (audited), then restarts the replicator on it. */
  setTeamSettings: { channel: 'team:set-settings', request: z.object({ settings: teamSettingsSchema, password: teamPassword.optional() }) },
  /** Removes the team connection (audited): the console works alone again. */
  clearTeamSettings: { channel: 'team:clear-settings', request: empty },
  /** Main shows an open dialog for the CA file; the window gets the path to show, main checks it again on save. */
  chooseTeamCaFile: { channel: 'team:choose-ca-file', request: empty },
  /** The password goes to the keychain and never comes back. */
  setTeamPassword: { channel: 'team:set-password', request: z.object({ password: teamPassword }) },
  deleteTeamPassword: { channel: 'team:delete-password', request: empty },
  /** Tries the connection as typed (nothing saved), with the typed password or else the stored one. */
  testTeamConnection: { channel: 'team:test-connection', request: z.object({ settings: teamSettingsSchema, password: teamPassword.optional() }) },
  getTeamStatus: { channel: 'team:status', request: empty },
  /** The consoles in the team database and how many audit entries each shipped. */
  listTeamConsoles: { channel: 'team:list-consoles', request: empty },
  /** One console's shipped audit chain, verified from this desk. */
  verifyTeamAudit: { channel: 'team:verify-audit', request: z.object({ consoleId: z.string().min(1).max(64) }) },
  /** Main shows the OS open dialog; the window gets an id for the file, never its path. */
  pickBulkFile: { channel: 'bulk:pick-file', request: empty },
  previewBulkFile: { channel: 'bulk:preview', request: z.object({ fileId: bulkFileId, mapping: bulkMapping.optional() }) },
  /** Stores the run and its rows, then sends in main (the window only watches). Production needs the typed confirmation. */
  startBulkRun: {
    channel: 'bulk:start',
    request: z.object({
      fileId: bulkFileId,
      mapping: bulkMapping.optional(),
      /** The environment the window showed: refused if the active one changed since. */
      environment: environmentId,
      concurrency: z.number().int().min(1).max(MAX_BULK_CONCURRENCY).default(DEFAULT_BULK_CONCURRENCY),
      /** Requests per second; null: no limit. */
      rate: z.number().positive().max(MAX_BULK_RATE).nullable(),
      productionConfirmation: z.string().max(64).optional(),
    }),
  },
  pauseBulkRun: { channel: 'bulk:pause', request: bulkRunRef },
  /** Also a run left unfinished by a restart: rows that already have an attempt are never sent again. */
  resumeBulkRun: { channel: 'bulk:resume', request: bulkRunRef.extend({ productionConfirmation: z.string().max(64).optional() }) },
  cancelBulkRun: { channel: 'bulk:cancel', request: bulkRunRef },
  /** Recent runs, and the unfinished ones to offer for resume. */
  listBulkRuns: { channel: 'bulk:list', request: empty },
  getBulkRun: { channel: 'bulk:get', request: bulkRunRef },
  /** A new run of the rows that failed retryably; main asks the operator in a native dialog first. */
  retryBulkRun: { channel: 'bulk:retry-failed', request: bulkRunRef.extend({ productionConfirmation: z.string().max(64).optional() }) },
  exportBulkRun: { channel: 'bulk:export', request: bulkRunRef.extend({ fullPhone: z.boolean().default(false) }) },
} as const

export type IpcMethod = keyof typeof ipcContract
export type IpcRequest<M extends IpcMethod> = z.input<(typeof ipcContract)[M]['request']>
export type IpcParsedRequest<M extends IpcMethod> = z.output<(typeof ipcContract)[M]['request']>

/** Events main pushes to the renderer. */
export const ipcEvents = {
  exportProgress: 'export:progress',
  bulkProgress: 'bulk:progress',
} as const

export interface IpcResponses {
  getAppInfo: AppInfo
  openLogFolder: null
  getEnvironments: EnvironmentsState
  setActiveEnvironment: EnvironmentsState
  updateEnvironment: EnvironmentsState
  setCredentials: EnvironmentsState
  deleteCredentials: EnvironmentsState
  confirmDestination: { confirmed: boolean; environments: EnvironmentsState }
  enroll: AttemptRecord
  precheckEnroll: EnrollPrecheckWithTeam
  /** Team-scope rows carry `origin` (console, machine, local id). */
  queryHistory: HistoryPage
  countHistory: { total: number }
  getAttempt: AttemptDetail
  getStatusStrip: StatusStrip
  getHistoryTrends: HistoryTrends
  exportHistory: ExportResult
  cancelExport: null
  showInFolder: null
  getRetention: RetentionState
  setRetention: { retention: RetentionState; purged: number }
  listAudit: AuditEntry[]
  verifyAudit: AuditVerification
  exportAudit: AuditExportResult | { cancelled: true }
  getTeamSettings: TeamSettingsView
  setTeamSettings: TeamSettingsView
  clearTeamSettings: TeamSettingsView
  chooseTeamCaFile: { path: string | null }
  setTeamPassword: TeamSettingsView
  deleteTeamPassword: TeamSettingsView
  testTeamConnection: TeamConnectionTest
  getTeamStatus: TeamStatus
  listTeamConsoles: TeamConsoleAudit[]
  verifyTeamAudit: TeamAuditVerification
  pickBulkFile: BulkFilePicked | { cancelled: true }
  previewBulkFile: BulkPreview
  startBulkRun: BulkRunSummary
  pauseBulkRun: BulkRunSummary
  resumeBulkRun: BulkRunSummary
  cancelBulkRun: BulkRunSummary
  listBulkRuns: BulkRunList
  getBulkRun: BulkRunSummary
  retryBulkRun: BulkRunSummary | { cancelled: true }
  exportBulkRun: BulkExportResult | { cancelled: true }
}

/** What the preload exposes as `window.otp`. */
export type OtpBridge = {
  [M in IpcMethod]: undefined extends IpcRequest<M>
    ? (request?: IpcRequest<M>) => Promise<Result<IpcResponses[M]>>
    : (request: IpcRequest<M>) => Promise<Result<IpcResponses[M]>>
} & {
  onExportProgress(listener: (progress: ExportProgress) => void): () => void
  onBulkProgress(listener: (progress: BulkProgress) => void): () => void
}

export const BRIDGE_KEY = 'otp'
