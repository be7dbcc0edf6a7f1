import type { BulkFileHeader } from './bulk.ts'
import type { BulkCounts, BulkRun } from './bulkRun.ts'

// What the console's Bulk view is shown over IPC besides the preview (bulk.ts) and a run's
// progress and summary (bulkRun.ts).

/** A file the operator picked in main's open dialog. The window names it by `fileId` only: its path stays in main. */
export interface BulkFilePicked {
  fileId: string
  /** The file's base name, to show. */
  name: string
  bytes: number
  /** Its header line: when `unresolved` is not empty, the operator maps the columns before the preview. */
  header: BulkFileHeader
}

/** A run in a list: what it is and how far it got. */
export interface BulkRunOverview {
  run: BulkRun
  counts: BulkCounts
  /** Driven by this console right now (running or paused); otherwise left by a closed or crashed one. */
  active: boolean
}

export interface BulkRunList {
  /** Newest first. */
  recent: BulkRunOverview[]
  /** Runs with rows still to send that nobody ended (a crash, a closed console, a pause): offered for resume. */
  unfinished: BulkRunOverview[]
}

/** A run written to a CSV file. */
export interface BulkExportResult {
  path: string
  rows: number
}
