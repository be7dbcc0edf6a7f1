import { describe, expect, it } from 'vitest'
import { InvalidCursorError } from '../history/historySql.ts'
import { containsPattern, decodeTeamCursor, encodeTeamCursor, lowerAscii, narrowingPattern, phoneNarrowing } from './teamHistorySql.ts'

// The pure parts of the team SQL (the rows they select are held equal to the local history's
// on PostgreSQL in teamHistory.test.ts).

describe('narrowingPattern', () => {
  it('asks the trigram index for the identifying word, not the boilerplate every reference shares', () => {
    expect(narrowingPattern('JB-1777615616-Enrol')).toBe('%1777615616%')
    expect(narrowingPattern('TKT-12345/ada')).toBe('%12345%')
    expect(narrowingPattern('ÉLAN-ref')).toBe('%ÉLAN%')
    expect(narrowingPattern('Enrol')).toBe('%Enrol%')
  })

  it('adds a second word with digits, in the text’s order, and ranks the country code last', () => {
    expect(narrowingPattern('0803 123')).toBe('%0803%123%')
    expect(narrowingPattern('123 0803')).toBe('%123%0803%')
    expect(narrowingPattern('+234 803 123')).toBe('%803%123%')
    expect(narrowingPattern('234 ab')).toBe('%234%')
    expect(narrowingPattern('JB-1777615616-Enrol-77')).toBe('%1777615616%')
  })

  it('gives nothing when no word has 3 characters (the row rule alone applies)', () => {
    expect(narrowingPattern('ab-12')).toBeNull()
    expect(narrowingPattern('%_')).toBeNull()
  })
})

describe('phoneNarrowing', () => {
  it('leaves out the country code every phone holds, when 6 digits or more remain to narrow by', () => {
    expect(phoneNarrowing('234903577')).toBe('903577')
    expect(phoneNarrowing('23490357')).toBe('23490357')
    expect(phoneNarrowing('234803')).toBe('234803')
    expect(phoneNarrowing('3716')).toBe('3716')
  })
})

describe('LIKE patterns', () => {
  it('escapes LIKE’s own characters so that they match themselves', () => {
    expect(containsPattern('50%_off\\x')).toBe('%50\\%\\_off\\\\x%')
  })

  it('folds ASCII letters only, as SQLite’s lower()', () => {
    expect(lowerAscii('JB-ÉLAN-Ü')).toBe('jb-Élan-Ü')
  })
})

describe('team cursor', () => {
  it('round-trips a position, latency key included for latency sorts', () => {
    const position = { latencyKey: 420, startedAt: 1_700_000_000_000, consoleId: 'c-ada', localId: 7 }
    expect(decodeTeamCursor(encodeTeamCursor('latency-desc', position), 'latency-desc')).toEqual(position)
    const { latencyKey: _, ...timeOnly } = position
    expect(decodeTeamCursor(encodeTeamCursor('time-asc', timeOnly), 'time-asc')).toEqual(timeOnly)
  })

  it('refuses a cursor of another sort or a forged position', () => {
    const cursor = encodeTeamCursor('time-desc', { startedAt: 1, consoleId: 'c', localId: 1 })
    expect(() => decodeTeamCursor(cursor, 'time-asc')).toThrow(InvalidCursorError)
    const forged = Buffer.from(JSON.stringify(['t1', 'time-desc', null, 'x', 'c', 1])).toString('base64url')
    expect(() => decodeTeamCursor(forged, 'time-desc')).toThrow(/bad position/)
  })
})
