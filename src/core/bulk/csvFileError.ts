import type { BulkFileFailure, BulkFileProblem } from '../../shared/domain/bulk.ts'

/**
 * A whole file refused (bad encoding, no header, a record too long, too many rows…). Thrown by
 * the reader, which is an async iterator; the preview turns it into a `bad-file` Result.
 */
export class BulkFileError extends Error {
  readonly failure: BulkFileFailure

  constructor(problem: BulkFileProblem, message: string, line?: number) {
    super(message)
    this.name = 'BulkFileError'
    this.failure = line === undefined ? { problem, message } : { problem, message, line }
  }
}

export function isBulkFileError(error: unknown): error is BulkFileError {
  return error instanceof BulkFileError
}
