import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

// The renderer's weight as the window loads it, measured on the last build (`npm run build`):
// every .js and .css file of out/renderer, raw and gzipped (level 9, what a web server would
// send; the window reads the raw files, so both are printed). Targets: JavaScript ≤ 120 KB
// gzipped in total, CSS ≤ 10 KB gzipped (issue 13).

type Print = (name: string, value: number, unit: string) => void

const OUT = new URL('../out/renderer/', import.meta.url)
const KB = 1000 // kB as the issue counts them; 1000 rather than 1024 errs on the heavy side
export const RENDERER_BUDGETS_KB = { js: 120, css: 10 } as const

/** All files under `dir` (relative paths), depth first. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)).map((f) => join(entry.name, f)) : [entry.name],
  )
}

export function measureRenderer(dir: string): Record<'js' | 'css', { raw: number; gzip: number; files: number; devtools: number }> {
  const totals = { js: { raw: 0, gzip: 0, files: 0, devtools: 0 }, css: { raw: 0, gzip: 0, files: 0, devtools: 0 } }
  for (const file of filesUnder(dir)) {
    const kind = file.endsWith('.js') ? 'js' : file.endsWith('.css') ? 'css' : null
    if (kind === null) continue
    const bytes = readFileSync(join(dir, file))
    totals[kind].raw += bytes.length
    totals[kind].gzip += gzipSync(bytes, { level: 9 }).length
    totals[kind].files++
    // Vue, Pinia and the router register devtools hooks only in a build that keeps them.
    totals[kind].devtools += bytes.toString('utf8').match(/devtools/gi)?.length ?? 0
  }
  return totals
}

export async function run(print: Print): Promise<void> {
  const dir = OUT.pathname
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error('No renderer build in out/renderer: run `npm run build` first.')
  }
  const totals = measureRenderer(dir)
  for (const kind of ['js', 'css'] as const) {
    print(`renderer.${kind}_gzip`, totals[kind].gzip / KB, 'KB')
    print(`renderer.${kind}_gzip_of_budget`, totals[kind].gzip / KB / RENDERER_BUDGETS_KB[kind], 'ratio')
    print(`renderer.${kind}_raw`, totals[kind].raw / KB, 'KB')
    print(`renderer.${kind}_files`, totals[kind].files, 'files')
  }
  print('renderer.devtools_mentions', totals.js.devtools, 'count')
}
