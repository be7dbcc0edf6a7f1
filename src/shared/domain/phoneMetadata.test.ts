import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { NIGERIA_PHONE_METADATA } from './phoneMetadata.ts'

const require = createRequire(import.meta.url)

describe('NIGERIA_PHONE_METADATA', () => {
  it('is the Nigerian entry of the installed libphonenumber-js max metadata, nothing else', () => {
    const max = require('libphonenumber-js/metadata.max.json') as { version: number; countries: Record<string, unknown> }
    expect(NIGERIA_PHONE_METADATA).toEqual({ version: max.version, country_calling_codes: { 234: ['NG'] }, countries: { NG: max.countries.NG }, nonGeographic: {} })
  })
})
