import { dirname, resolve } from 'node:path'
import { EXPORT_FORMATS, isExportFormat } from '../shared/domain/export.ts'
import { parse, UsageError } from './args.ts'
import { appVersion, openCore } from './openCore.ts'
import { folderState } from './folderState.ts'
import type { Output } from './output.ts'
import { answerTeamError, parseScope, scopeOption, withTeamScope } from './teamScope.ts'

export const EXPORT_USAGE = `otp-console export --format csv|jsonl|bundle --out FILE [history filters] [--full-phone] [--scope local|team] [--data-dir DIR] [--json]`

/** The folder the export goes to must exist: say so by name (not by the temporary file's). */
function requireOutFolder(outPath: string): void {
  const folder = dirname(outPath)
  const state = folderState(folder)
  if (state === 'missing') throw new UsageError(`The folder ${folder} does not exist: create it or choose another --out.`)
  if (state === 'not-a-folder') throw new UsageError(`${folder} is not a folder: choose another --out.`)
}

export async function exportCommand(argv: string[], out: Output): Promise<number> {
  // Loaded here, not at the top: the filter schema brings zod, the export the core (see main.ts).
  const [{ filterOptions, toFilter }, { exportSlice }] = await Promise.all([import('./filterArgs.ts'), import('../core/app/exportSlice.ts')])
  const values = parse(argv, {
    ...filterOptions,
    ...scopeOption,
    format: { type: 'string' },
    out: { type: 'string' },
    'full-phone': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
  })
  out.json = values.json === true
  const scope = parseScope(values.scope)
  const format = values.format
  if (!isExportFormat(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}.`)
  if (!values.out) throw new UsageError('export needs --out FILE.')
  const outPath = resolve(values.out)
  requireOutFolder(outPath)
  const filter = toFilter(values)
  const opened = await openCore({ dataDir: values['data-dir'], mustExist: true })
  try {
    const options = {
      filter,
      format,
      outPath,
      fullPhone: values['full-phone'] === true,
      logDir: opened.logDir,
      appVersion,
      onProgress: ({ written, total }: { written: number; total: number }) => out.progress(`exported ${written} of ${total}`),
    }
    let result: { rows: number; path: string }
    if (scope === 'team') {
      const { exportTeamSlice } = await import('../core/team/teamExport.ts')
      const answer = await withTeamScope(opened.core, ({ pool, consoleId }) => exportTeamSlice(pool, opened.core.audit, { ...options, consoleId })).catch((error: unknown) => answerTeamError(error, out))
      if (typeof answer === 'number') return answer
      result = answer
    } else {
      result = await exportSlice(opened.core, options)
    }
    out.result(result, [`Exported ${result.rows} ${scope === 'team' ? 'team ' : ''}attempts to ${result.path}${values['full-phone'] ? ' (FULL phone numbers)' : ' (phone numbers masked)'}.`])
    return 0
  } finally {
    await opened.close()
  }
}
