// Exports of the history.

export const EXPORT_FORMATS = ['csv', 'jsonl', 'bundle'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export function isExportFormat(value: unknown): value is ExportFormat {
  return (EXPORT_FORMATS as readonly unknown[]).includes(value)
}

export interface ExportProgress {
  written: number
  total: number
}

export type ExportResult = { path: string; rows: number } | { cancelled: true }
