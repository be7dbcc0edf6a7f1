import {
  BULK_PREVIEW_ROWS,
  bulkCategorySent,
  emptyCategoryCounts,
  type BulkPreview,
  type BulkPreviewOptions,
  type BulkPreviewRow,
  type ClassifiedBulkRow,
} from '../../shared/domain/bulk.ts'
import { maskPhone } from '../../shared/domain/phone.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import { openBulkCsv, type BulkFileLimits } from './csvReader.ts'
import { isBulkFileError } from './csvFileError.ts'
import { classifyBulkRows, type PaymentOutcomeLookup } from './previewRows.ts'

// The preview of a bulk file before anything is sent: counts per category, the exact number
// of requests the run will send, and the first rows for display. Streams the file once.

export interface PreviewDeps {
  /** HistoryStore.paymentOutcomes. */
  paymentOutcomes: PaymentOutcomeLookup
  /** Tests shrink the file limits. */
  limits?: Partial<BulkFileLimits>
}

/** A `bad-file` failure for a refused file (the message says why), or the preview. */
export async function previewBulkFile(path: string, deps: PreviewDeps, options: BulkPreviewOptions = {}): Promise<Result<BulkPreview>> {
  const includeFlagged = options.includeFlagged ?? false
  const rowLimit = options.rowLimit ?? BULK_PREVIEW_ROWS
  try {
    const csv = await openBulkCsv(path, { ...(options.mapping ? { mapping: options.mapping } : {}), ...(deps.limits ? { limits: deps.limits } : {}) })
    const counts = emptyCategoryCounts()
    const firstRows: BulkPreviewRow[] = []
    let rows = 0
    for await (const batch of classifyBulkRows(csv.batches, deps.paymentOutcomes)) {
      rows += batch.length
      for (const row of batch) {
        counts[row.category]++
        if (firstRows.length < rowLimit) firstRows.push(previewRow(row, options.fullPhone ?? false))
      }
    }
    let requestsToSend = 0
    for (const category of Object.keys(counts) as (keyof typeof counts)[]) {
      if (bulkCategorySent(category, includeFlagged)) requestsToSend += counts[category]
    }
    return ok({ fileName: csv.fileName, fileSha256: csv.sha256(), header: csv.header, mapping: csv.mapping, rows, counts, requestsToSend, includeFlagged, firstRows })
  } catch (error) {
    if (isBulkFileError(error)) return fail('bad-file', error.message)
    throw error
  }
}

/** A row as shown: the normalised phone when valid (else as typed), masked unless `fullPhone`. */
export function previewRow(row: ClassifiedBulkRow, fullPhone: boolean): BulkPreviewRow {
  const phone = row.msisdn ?? row.phone
  const shown: BulkPreviewRow = {
    line: row.line,
    category: row.category,
    paymentId: row.paymentId,
    phone: fullPhone ? phone : maskPhone(phone),
    transactionRef: row.transactionRef,
  }
  if (row.errors) shown.errors = row.errors
  if (row.duplicateOfLine !== undefined) shown.duplicateOfLine = row.duplicateOfLine
  if (row.attemptId !== undefined) shown.attemptId = row.attemptId
  return shown
}
