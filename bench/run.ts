import { existsSync } from 'node:fs'

// `node bench/run.ts [part]`: runs every bench part, or the one named, printing one line
// per figure: `name value unit`. export.ts is another engineer's and may not exist yet;
// a part whose file is missing is simply not offered.

type Print = (name: string, value: number, unit: string) => void
type Part = { run(print: Print): Promise<void> }

const PARTS = ['history', 'audit', 'export', 'boundary', 'cli', 'renderer', 'bulk', 'team'] as const
const available = PARTS.filter((part) => existsSync(new URL(`./${part}.ts`, import.meta.url)))

const print: Print = (name, value, unit) => {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1)
  console.log(`${name} ${shown} ${unit}`)
}

const wanted = process.argv[2]
if (wanted !== undefined && !(available as readonly string[]).includes(wanted)) {
  console.error(`Unknown bench part "${wanted}". Available: ${available.join(', ')}.`)
  process.exit(2)
}
for (const part of wanted === undefined ? available : [wanted]) {
  const module = (await import(new URL(`./${part}.ts`, import.meta.url).href)) as Part
  await module.run(print)
}
