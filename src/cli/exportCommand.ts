import { resolve } from 'node:path'
import { exportSlice } from '../core/app/exportSlice.ts'
import { EXPORT_FORMATS, isExportFormat } from '../shared/domain/export.ts'
import { parse, UsageError } from './args.ts'
import { filterOptions, toFilter } from './filterArgs.ts'
import { appVersion, openCore } from './openCore.ts'
import type { Output } from './output.ts'

export const EXPORT_USAGE = `npm run cli -- export --format csv|jsonl|bundle --out FILE [history filters] [--full-phone] [--data-dir DIR] [--json]`

export async function exportCommand(argv: string[], out: Output): Promise<number> {
  const values = parse(argv, {
    ...filterOptions,
    format: { type: 'string' },
    out: { type: 'string' },
    'full-phone': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
  })
  out.json = values.json === true
  const format = values.format
  if (!isExportFormat(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}.\nUsage: ${EXPORT_USAGE}`)
  if (!values.out) throw new UsageError(`export needs --out FILE.\nUsage: ${EXPORT_USAGE}`)
  const filter = toFilter(values)
  const opened = await openCore({ dataDir: values['data-dir'] })
  try {
    const result = await exportSlice(opened.core, {
      filter,
      format,
      outPath: resolve(values.out),
      fullPhone: values['full-phone'] === true,
      logDir: opened.logDir,
      appVersion,
      onProgress: ({ written, total }) => out.progress(`\rexported ${written} of ${total}`),
    })
    out.progress('\n')
    out.result(result, [`Exported ${result.rows} attempts to ${result.path}${values['full-phone'] ? ' (FULL phone numbers)' : ' (phone numbers masked)'}.`])
    return 0
  } finally {
    await opened.close()
  }
}
