import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { E2E_DATA_ROOT } from './constants.ts'

// axe-core over a state the UI is in. Every check is appended to one file per driver so that
// e2e/run.ts can print `axe: N states checked, M violations` for the whole run and fail on M > 0.

/** WCAG 2.x A and AA, the rules a desktop console for staff is held to. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

export interface AxeEntry {
  state: string
  violations: { id: string; impact: string | null; help: string; targets: string[] }[]
}

export function axeResultsFile(driver: string): string {
  return join(E2E_DATA_ROOT, `axe-${driver}.jsonl`)
}

/** Runs axe on the page as it is now, records the result and returns the violations. */
export async function checkAxe(page: Page, state: string): Promise<AxeEntry['violations']> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze()
  const violations = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }))
  const driver = process.env.E2E_DRIVER ?? 'browser'
  mkdirSync(E2E_DATA_ROOT, { recursive: true })
  appendFileSync(axeResultsFile(driver), `${JSON.stringify({ state, violations } satisfies AxeEntry)}\n`)
  return violations
}

/** What run.ts prints: how many states were checked and how many violations they had. */
export function readAxeTotals(driver: string): { states: number; violations: number; entries: AxeEntry[] } {
  const file = axeResultsFile(driver)
  if (!existsSync(file)) return { states: 0, violations: 0, entries: [] }
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AxeEntry)
  return { states: entries.length, violations: entries.reduce((n, e) => n + e.violations.length, 0), entries }
}
