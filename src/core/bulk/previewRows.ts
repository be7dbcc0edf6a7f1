import { bulkTransactionRef, type BulkFieldErrors, type BulkRow, type ClassifiedBulkRow } from '../../shared/domain/bulk.ts'
import { validateEnrollInput } from '../../shared/domain/enrollInput.ts'
import type { PaymentOutcome } from '../history/paymentOutcomes.ts'

// Each row's category (BULK_ROW_CATEGORIES, first matching wins): the Enroll form's rule,
// then duplicates within the file, then history. Rows are looked up in history a batch at a
// time and come out in file order; memory holds one batch and the payment ids seen.

/** History's answer for many payment ids (HistoryStore.paymentOutcomes). */
export type PaymentOutcomeLookup = (paymentIds: readonly string[]) => Map<string, PaymentOutcome>

export const CLASSIFY_BATCH = 1000

// Any reference the generator makes is valid; an empty cell is checked as one generated.
const PLACEHOLDER_REF = bulkTransactionRef(0, 1)

/** The Enroll form's rule on one row: its MSISDN, or a message per field. */
export function validateBulkRow(row: BulkRow): { msisdn: string } | { errors: BulkFieldErrors } {
  const checked = validateEnrollInput({
    paymentId: row.paymentId,
    phone: row.phone,
    transactionRef: row.transactionRef === '' ? PLACEHOLDER_REF : row.transactionRef,
    signatureMethod: 'SHA-256',
  })
  if (checked.ok) return { msisdn: checked.value.mobilePhoneNumber }
  const { paymentId, phone, transactionRef } = checked.errors
  const errors: BulkFieldErrors = {}
  if (paymentId !== undefined) errors.paymentId = paymentId
  if (phone !== undefined) errors.phone = phone
  if (transactionRef !== undefined) errors.transactionRef = transactionRef
  return { errors }
}

/** The rows with their category, in file order. */
export async function* classifyBulkRows(rows: AsyncIterable<BulkRow>, lookup: PaymentOutcomeLookup): AsyncGenerator<ClassifiedBulkRow, void, undefined> {
  const firstLineOf = new Map<string, number>()
  let batch: ClassifiedBulkRow[] = []
  for await (const row of rows) {
    batch.push(classifyInFile(row, firstLineOf))
    if (batch.length >= CLASSIFY_BATCH) {
      yield* withHistory(batch, lookup)
      batch = []
    }
  }
  yield* withHistory(batch, lookup)
}

function classifyInFile(row: BulkRow, firstLineOf: Map<string, number>): ClassifiedBulkRow {
  const checked = validateBulkRow(row)
  if ('errors' in checked) return { ...row, category: 'invalid', msisdn: null, errors: checked.errors }
  const earlier = firstLineOf.get(row.paymentId)
  if (earlier !== undefined) return { ...row, category: 'duplicate-in-file', msisdn: checked.msisdn, duplicateOfLine: earlier }
  firstLineOf.set(row.paymentId, row.line)
  return { ...row, category: 'ready', msisdn: checked.msisdn }
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
