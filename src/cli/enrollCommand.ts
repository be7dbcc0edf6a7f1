import type { AttemptRecord } from '../shared/domain/attempt.ts'
import { ENVIRONMENT_LABELS } from '../shared/domain/environments.ts'
import { explainCode, explainHttpStatus } from '../shared/domain/errorCodes.ts'
import { DEFAULT_SIGNATURE_METHOD, SIGNATURE_METHODS, type SignatureMethod } from '../shared/domain/signatureMethods.ts'
import { EXIT, parse, UsageError } from './args.ts'
import { openCore } from './openCore.ts'
import type { Output } from './output.ts'

export const ENROLL_USAGE = `otp-console enroll --payment-id ID --phone NUMBER [--ref REF] [--env training|sandbox|production|custom]
    [--base-url URL] [--passport-url URL] [--signature-method SHA1|SHA-256|SHA-512] [--data-dir DIR] [--json]
    [--confirm-production ID]`

const EXIT_BY_OUTCOME = { enrolled: EXIT.enrolled, rejected: EXIT.rejected, failed: EXIT.transport, unknown: EXIT.transport } as const

function describe(record: AttemptRecord): string[] {
  const lines = [`Attempt #${record.id}: ${record.outcome.toUpperCase()} (${ENVIRONMENT_LABELS[record.environment]}, payment ${record.paymentId}, ref ${record.transactionRef}, ${record.durationMs ?? '?'} ms)`]
  for (const error of record.errors) {
    const why = explainCode(error.code, error.message)
    lines.push(`  ${error.code}: ${error.message}`, `    ${why.meaning}`, `    Next: ${why.nextStep}`)
  }
  if (record.outcome === 'failed' && record.httpStatus !== null && record.errors.length === 0) {
    const why = explainHttpStatus(record.httpStatus)
    lines.push(`  ${why.meaning}`, `  Next: ${why.nextStep}`)
  }
  // For a plain HTTP failure the reason is the status explanation already shown above.
  if (record.failureReason && !lines.includes(`  ${record.failureReason}`)) lines.push(`  ${record.failureReason}`)
  if (record.outcome === 'unknown') lines.push('  Not retried automatically: check the payment before sending again.')
  return lines
}

/** SHA1, sha-256, Sha512…: any case, with or without the dash. */
function signatureMethodFrom(value: string | undefined): SignatureMethod {
  if (value === undefined) return DEFAULT_SIGNATURE_METHOD
  const plain = (text: string) => text.toUpperCase().replace('-', '')
  const method = SIGNATURE_METHODS.find((candidate) => plain(candidate) === plain(value.trim()))
  if (!method) throw new UsageError(`--signature-method must be SHA1, SHA-256 or SHA-512 (got "${value}").`)
  return method
}

export async function enrollCommand(argv: string[], out: Output): Promise<number> {
  const values = parse(argv, {
    'payment-id': { type: 'string' },
    phone: { type: 'string' },
    ref: { type: 'string' },
    env: { type: 'string' },
    'base-url': { type: 'string' },
    'passport-url': { type: 'string' },
    'signature-method': { type: 'string' },
    'data-dir': { type: 'string' },
    'confirm-production': { type: 'string' },
    json: { type: 'boolean', default: false },
  })
  out.json = values.json === true
  if (!values['payment-id'] || !values.phone) throw new UsageError('enroll needs --payment-id and --phone.')
  const method = signatureMethodFrom(values['signature-method'])
  const { defaultTransactionRef, validateEnrollInput } = await import('../shared/domain/enrollInput.ts')
  const transactionRef = values.ref ?? defaultTransactionRef(Date.now())
  // Bad fields fail here, before the data folder is opened (or created).
  const input = validateEnrollInput({ paymentId: values['payment-id'], phone: values.phone, transactionRef, signatureMethod: method })
  if (!input.ok) {
    const fields = input.errors as Record<string, string>
    out.error({ outcome: 'not-sent', error: { code: 'invalid-input', message: 'Some fields need attention before sending.', fields } }, [
      'Not sent: Some fields need attention before sending.',
      ...Object.entries(fields).map(([field, message]) => `  ${field}: ${message}`),
    ])
    return EXIT.usage
  }

  const opened = await openCore({
    dataDir: values['data-dir'] ?? undefined,
    env: values.env,
    baseUrl: values['base-url'],
    passportUrl: values['passport-url'],
    needsTraining: true,
  })
  try {
    const result = await opened.core.enrollService.enroll({
      environment: opened.environment,
      paymentId: values['payment-id'],
      phone: values.phone,
      transactionRef,
      signatureMethod: method,
      productionConfirmation: values['confirm-production'],
    })
    if (!result.ok) {
      const { error } = result
      const hint =
        error.code === 'confirmation-required' && opened.environment === 'production'
          ? ' Pass --confirm-production with the payment id again.'
          : error.code === 'destination-changed'
            ? " Confirm the new destination in the console's Settings, enter the credentials again, or give OTP_CLIENT_ID and OTP_CLIENT_SECRET for this call."
            : ''
      out.error({ outcome: 'not-sent', error }, [`Not sent: ${error.message}${hint}`, ...Object.entries(error.fields ?? {}).map(([field, message]) => `  ${field}: ${message}`)])
      return EXIT.usage
    }
    const record = result.value
    out.result(
      {
        outcome: record.outcome,
        httpStatus: record.httpStatus,
        errors: record.errors.map((e) => ({ ...e, explanation: explainCode(e.code, e.message).meaning, nextStep: explainCode(e.code, e.message).nextStep })),
        paymentId: record.paymentId,
        transactionRef: record.transactionRef,
        attemptId: record.id,
        durationMs: record.durationMs,
        environment: record.environment,
        failureReason: record.failureReason,
      },
      describe(record),
    )
    return EXIT_BY_OUTCOME[record.outcome]
  } finally {
    await opened.close()
  }
}
