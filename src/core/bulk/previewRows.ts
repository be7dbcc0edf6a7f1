import { bulkTransactionRef, type BulkFieldErrors, type BulkRow, type ClassifiedBulkRow } from '../../shared/domain/bulk.ts'
import { checkPaymentId, checkTransactionRef } from '../../shared/domain/enrollInput.ts'
import { normalisePhone } from '../../shared/domain/phone.ts'
import type { PaymentOutcome } from '../history/paymentOutcomes.ts'
import { createPhoneNormaliser, type PhoneNormaliser } from './previewPhone.ts'

// Each row's category (BULK_ROW_CATEGORIES, first matching wins): the Enroll form's rule,
// then duplicates within the file, then history. Rows are looked up in history a batch at a
// time and come out in file order; memory holds one batch and the payment ids seen.

/** History's answer for many payment ids (HistoryStore.paymentOutcomes). */
export type PaymentOutcomeLookup = (paymentIds: readonly string[]) => Map<string, PaymentOutcome>

// Any reference the generator makes is valid; an empty cell is checked as one generated.
const PLACEHOLDER_REF = bulkTransactionRef(0, 1)

// The one formula trigger the phone rule lets through (`-0803…`): a file's cells come from
// spreadsheets, so a phone cell that a spreadsheet would read as a formula is refused. (`+` stays:
// `+234 803…` is the international form; `=`, `@` are refused by the rule's characters.)
const FORMULA_PHONE = { ok: false, error: 'A phone number may not start with "-" (a spreadsheet reads it as a formula).' } as const

export type BulkRowCheck = { msisdn: string } | { errors: BulkFieldErrors }

/**
 * The Enroll form's rule (validateEnrollInput: checkPaymentId, the phone rule,
 * checkTransactionRef) on one row, plus no phone starting with "-": its MSISDN, or a message
 * per field. `normalise` is the phone rule; the preview passes the fast one (previewPhone.ts).
 */
export function validateBulkRow(row: BulkRow, normalise: PhoneNormaliser = normalisePhone): BulkRowCheck {
  const errors: BulkFieldErrors = {}
  const paymentError = checkPaymentId(row.paymentId)
  if (paymentError !== undefined) errors.paymentId = paymentError
  const phone = row.phone.startsWith('-') ? FORMULA_PHONE : normalise(row.phone)
  if (!phone.ok) errors.phone = phone.error
  const refError = checkTransactionRef(row.transactionRef === '' ? PLACEHOLDER_REF : row.transactionRef)
  if (refError !== undefined) errors.transactionRef = refError
  return phone.ok && paymentError === undefined && refError === undefined ? { msisdn: phone.msisdn } : { errors }
}

/**
 * The rows with their category, in file order and in the reader's batches (each batch is
 * looked up in history with one query per PAYMENT_LOOKUP_CHUNK ids).
 */
export async function* classifyBulkRows(batches: AsyncIterable<BulkRow[]>, lookup: PaymentOutcomeLookup): AsyncGenerator<ClassifiedBulkRow[], void, undefined> {
  const firstLineOf = new Map<string, number>()
  const normalise = createPhoneNormaliser()
  for await (const rows of batches) {
    const batch = rows.map((row) => classifyInFile(row, firstLineOf, normalise))
    yield withHistory(batch, lookup)
  }
}

function classifyInFile(row: BulkRow, firstLineOf: Map<string, number>, normalise: PhoneNormaliser): ClassifiedBulkRow {
  const { line, values, paymentId, phone, transactionRef } = row
  const checked = validateBulkRow(row, normalise)
  if ('errors' in checked) return { line, values, paymentId, phone, transactionRef, category: 'invalid', msisdn: null, errors: checked.errors }
  const earlier = firstLineOf.get(paymentId)
  if (earlier !== undefined) return { line, values, paymentId, phone, transactionRef, category: 'duplicate-in-file', msisdn: checked.msisdn, duplicateOfLine: earlier }
  firstLineOf.set(paymentId, line)
  return { line, values, paymentId, phone, transactionRef, category: 'ready', msisdn: checked.msisdn }
}

function withHistory(batch: ClassifiedBulkRow[], lookup: PaymentOutcomeLookup): ClassifiedBulkRow[] {
  const ready = batch.filter((row) => row.category === 'ready')
  if (ready.length === 0) return batch
  const known = lookup(ready.map((row) => row.paymentId))
  for (const row of ready) {
    const found = known.get(row.paymentId)
    if (found === undefined) continue
    row.category = found.outcome === 'enrolled' ? 'already-enrolled' : 'unknown-outcome'
    row.attemptId = found.attemptId
  }
  return batch
}
