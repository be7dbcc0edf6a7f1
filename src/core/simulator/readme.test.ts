import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TRAINING_RULES } from './businessRules.ts'

// The README's training-server table is what staff practise with: keep it true.
describe('README training rules', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  it.each(TRAINING_RULES.map((rule) => [rule.suffix, rule] as const))('lists the rule for %j with its outcome and description', (_suffix, rule) => {
    const label = rule.suffix === null ? 'already enrolled on this server' : rule.suffix === '' ? 'anything else' : `ends in \`${rule.suffix}\``
    expect(readme).toContain(`| ${label} | ${rule.outcome} | ${rule.description} |`)
  })
})
