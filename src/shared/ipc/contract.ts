import { z } from 'zod'
import type { AttemptRecord, AttemptSummary } from '../domain/attempt.ts'
import { ENVIRONMENT_IDS, type EnvironmentId } from '../domain/environments.ts'
import { historyFilterSchema, historyPageRequestSchema } from '../domain/historyFilter.ts'
import { SIGNATURE_METHODS, type SignatureMethod } from '../domain/signatureMethods.ts'
import type { IpcResult } from './result.ts'

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

  exportHistory: {
    channel: 'export:start',
    request: z.object({
      filter: historyFilterSchema,
      format: z.enum(['csv', 'jsonl', 'bundle']),
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

export interface ExportProgress {
  written: number
  total: number
}

export interface AppInfo {
  version: string
  operator: string
  machine: string
  platform: string
  logDir: string
}

export interface CredentialStatus {
  stored: boolean
  /** The client id is not secret and helps the operator tell keys apart. */
  clientId: string | null
}

export interface EnvironmentView {
  id: EnvironmentId
  label: string
  baseUrl: string
  passportUrl: string
  editable: boolean
  credentials: CredentialStatus
}

export interface EnvironmentsState {
  active: EnvironmentId
  environments: EnvironmentView[]
  keychain: { available: true } | { available: false; message: string }
}

export interface EnrollPrecheck {
  /** Earlier attempts for the payment id whose outcome was enrolled or unknown, newest first. */
  risky: AttemptSummary[]
  /** Offset seen in the newest answer from the active environment (server − local, ms). */
  clockOffsetMs: number | null
}

export interface HistoryPage {
  rows: AttemptSummary[]
  nextCursor: string | null
}

export interface AttemptDetail {
  record: AttemptRecord
  /** Attempts for the same payment id, oldest first, including this one. */
  chain: AttemptSummary[]
  /** The cipher that was hashed, with the client secret masked. */
  cipher: string
  /** The percent-encoded URL as it appears in the cipher. */
  encodedUrl: string
}

export interface StatusStrip {
  attemptsToday: number
  enrolledToday: number
  /** null when no attempt finished today. */
  successRateToday: number | null
  topCodeLastHour: { code: string; count: number } | null
}

export type ExportResult = { path: string; rows: number } | { cancelled: true }

export interface AuditEntry {
  seq: number
  at: number
  operator: string
  machine: string
  appVersion: string
  action: string
  /** Human-readable summary, never a secret. */
  summary: string
  details: Record<string, unknown>
  prevHash: string
  hash: string
}

export interface AuditVerification {
  ok: boolean
  total: number
  /** Highest seq whose chain is intact (0 when the first entry is already broken or none exist). */
  verifiedUpTo: number
  /** The first broken entry and why, when !ok. */
  brokenAt: { seq: number; reason: string } | null
}

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
  exportHistory: ExportResult
  cancelExport: null
  showInFolder: null
  listAudit: AuditEntry[]
  verifyAudit: AuditVerification
}

export type SignatureMethodName = SignatureMethod

/** What the preload exposes as `window.otp`. */
export type OtpBridge = {
  [M in IpcMethod]: undefined extends IpcRequest<M>
    ? (request?: IpcRequest<M>) => Promise<IpcResult<IpcResponses[M]>>
    : (request: IpcRequest<M>) => Promise<IpcResult<IpcResponses[M]>>
} & {
  onExportProgress(listener: (progress: ExportProgress) => void): () => void
}

export const BRIDGE_KEY = 'otp'
