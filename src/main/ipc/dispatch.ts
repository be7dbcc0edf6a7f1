import type { z } from 'zod'
import { AuditUnavailableError } from '../../core/audit/types.ts'
import type { Logger } from '../../core/log/logger.ts'
import { ipcContract, type IpcMethod } from '../../shared/ipc/contract.ts'
import { fail, type Result } from '../../shared/domain/result.ts'
import type { HandlerMap } from './context.ts'
import { logRefusedCall } from './refusedCalls.ts'

export type Dispatch = (channel: string, payload: unknown, senderUrl: string | undefined) => Promise<Result<unknown>>

const methodByChannel = new Map<string, IpcMethod>(
  (Object.keys(ipcContract) as IpcMethod[]).map((method) => [ipcContract[method].channel, method]),
)

function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = issue.path.join('.') || 'request'
    fields[key] ??= issue.message
  }
  return fields
}

/**
 * The one door into main: the sender must be the app's own page, the channel must be in the
 * contract, and the payload must pass its schema before a handler sees it. Handlers answer
 * with results; an unexpected throw becomes `internal` with a message free of details.
 */
export function createDispatch(handlers: HandlerMap, isTrustedSender: (url: string | undefined) => boolean, logger: Logger): Dispatch {
  return async (channel, payload, senderUrl) => {
    if (!isTrustedSender(senderUrl)) {
      logRefusedCall(logger, { channel, reason: 'sender is not the app page', senderUrl })
      return fail('forbidden', 'This call did not come from the console’s own window.')
    }
    const method = methodByChannel.get(channel)
    if (!method) {
      logRefusedCall(logger, { channel, reason: 'unknown channel', senderUrl })
      return fail('invalid-input', 'Unknown request.')
    }
    const parsed = ipcContract[method].request.safeParse(payload)
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error)
      // Field names and zod's issue codes only: messages and values stay out of the log.
      const issues = [...new Set(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.code}`))].slice(0, 8)
      logRefusedCall(logger, { channel, reason: `invalid payload (${issues.join(', ')})`, senderUrl })
      return fail('invalid-input', Object.values(fields)[0] ?? 'The request was not valid.', fields)
    }
    try {
      const handler = handlers[method] as (request: unknown) => Promise<Result<unknown>>
      return await handler(parsed.data)
    } catch (error) {
      // The audit trail refused an entry (no keychain, key missing or swapped): the action was not done; say why.
      if (error instanceof AuditUnavailableError) return fail('keychain-unavailable', error.message)
      logger.error('ipc.handler-failed', { channel, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
      return fail('internal', 'Something went wrong inside the console. The diagnostic log has the details.')
    }
  }
}

/**
 * Trusted senders: the renderer's index.html on the app:// scheme (any route hash) or, in
 * development, the electron-vite dev server origin. Anything else (an iframe, a navigated
 * page, file://) is refused.
 */
export function createSenderCheck(allowed: { appEntryUrl?: string | undefined; devOrigin?: string | undefined }) {
  return (url: string | undefined): boolean => {
    if (!url) return false
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return false
    }
    // `origin` is "null" for non-special schemes such as app:, so compare scheme, host and path.
    if (allowed.appEntryUrl && `${parsed.protocol}//${parsed.host}${parsed.pathname}` === allowed.appEntryUrl) return true
    return allowed.devOrigin !== undefined && parsed.origin !== 'null' && parsed.origin === allowed.devOrigin
  }
}
