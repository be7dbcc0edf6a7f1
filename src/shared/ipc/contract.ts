import { z } from 'zod'
import type { AttemptRecord } from '../domain/attempt.ts'
import type { AppInfo } from '../domain/appInfo.ts'
import type { AuditEntry, AuditVerification } from '../domain/audit.ts'
import type { EnvironmentsState } from '../domain/environmentState.ts'
import { EXPORT_FORMATS, type ExportProgress, type ExportResult } from '../domain/export.ts'
import type { AttemptDetail, EnrollPrecheck, HistoryPage, HistoryTrends, StatusStrip } from '../domain/historyViews.ts'
import { ENVIRONMENT_IDS } from '../domain/environments.ts'
import { historyFilterSchema, historyPageRequestSchema } from '../domain/historyFilter.ts'
import { SIGNATURE_METHODS } from '../domain/signatureMethods.ts'
import type { Result } from '../domain/result.ts'

// The one IPC contract: channel names, request schemas (checked in main on every call) and
// response types. Main, preload and renderer all import it; nothing else defines a channel.

const empty = z.undefined()
const environmentId = z.enum(ENVIRONMENT_IDS)
const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v), 'Enter a full http:// or https:// URL.')

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
      clientSecret: z.string().min(1, 'Enter the client secret.').max(1024),
    }),
  },
  deleteCredentials: { channel: 'credentials:delete', request: z.object({ environment: z.enum(['sandbox', 'production', 'custom']) }) },

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
  precheckEnroll: { channel: 'enroll:precheck', request: z.object({ paymentId: z.string().regex(/^\d{1,19}$/) }) },

  queryHistory: { channel: 'history:query', request: historyPageRequestSchema },
  countHistory: { channel: 'history:count', request: z.object({ filter: historyFilterSchema }) },
  getAttempt: { channel: 'history:get', request: z.object({ id: z.number().int().positive() }) },
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
    }),
  },
  cancelExport: { channel: 'export:cancel', request: empty },
  showInFolder: { channel: 'export:show-in-folder', request: z.object({ path: z.string().min(1).max(4096) }) },

  listAudit: {
    channel: 'audit:list',
    request: z.object({ beforeSeq: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100) }),
  },
  verifyAudit: { channel: 'audit:verify', request: empty },
} as const

export type IpcMethod = keyof typeof ipcContract
export type IpcRequest<M extends IpcMethod> = z.input<(typeof ipcContract)[M]['request']>
export type IpcParsedRequest<M extends IpcMethod> = z.output<(typeof ipcContract)[M]['request']>

/** Events main pushes to the renderer. */
export const ipcEvents = {
  exportProgress: 'export:progress',
} as const

export interface IpcResponses {
  getAppInfo: AppInfo
  openLogFolder: null
  getEnvironments: EnvironmentsState
  setActiveEnvironment: EnvironmentsState
  updateEnvironment: EnvironmentsState
  setCredentials: EnvironmentsState
  deleteCredentials: EnvironmentsState
  enroll: AttemptRecord
  precheckEnroll: EnrollPrecheck
  queryHistory: HistoryPage
  countHistory: { total: number }
  getAttempt: AttemptDetail
  getStatusStrip: StatusStrip
  getHistoryTrends: HistoryTrends
  exportHistory: ExportResult
  cancelExport: null
  showInFolder: null
  listAudit: AuditEntry[]
  verifyAudit: AuditVerification
}

/** What the preload exposes as `window.otp`. */
export type OtpBridge = {
  [M in IpcMethod]: undefined extends IpcRequest<M>
    ? (request?: IpcRequest<M>) => Promise<Result<IpcResponses[M]>>
    : (request: IpcRequest<M>) => Promise<Result<IpcResponses[M]>>
} & {
  onExportProgress(listener: (progress: ExportProgress) => void): () => void
}

export const BRIDGE_KEY = 'otp'
