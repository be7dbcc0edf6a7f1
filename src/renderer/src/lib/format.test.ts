import { describe, expect, it } from 'vitest'
import { clockIsOff, formatAge, formatClockOffset, formatDateTime, formatDuration, formatRate, formatWhen, prettyBody, spanWords, unixSecondsToMs } from './format.ts'

describe('format', () => {
  it('formats local date-times', () => {
    const ms = new Date(2025, 10, 21, 6, 5, 9).getTime()
    expect(formatDateTime(ms)).toBe('2025-11-21 06:05:09')
    expect(formatDateTime(null)).toBe('—')
    expect(formatWhen(ms, new Date(2025, 10, 21, 23, 0).getTime())).toBe('06:05:09')
    expect(formatWhen(ms, new Date(2025, 10, 22, 1, 0).getTime())).toBe('2025-11-21 06:05:09')
  })

  it('formats durations', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(230.4)).toBe('230 ms')
    expect(formatDuration(1234)).toBe('1.23 s')
    expect(formatDuration(63_000)).toBe('1 min 3 s')
    expect(spanWords(3_900_000)).toBe('1 h 5 min')
  })

  it('describes clock offsets from the server’s point of view', () => {
    expect(formatClockOffset(123_000)).toBe('server is 2 min 3 s ahead')
    expect(formatClockOffset(-45_000)).toBe('server is 45 s behind')
    expect(formatClockOffset(400)).toBe('in sync (within 1 s)')
    expect(formatClockOffset(null)).toMatch(/not measured/)
    expect(clockIsOff(5 * 60_000 + 1)).toBe(true)
    expect(clockIsOff(-6 * 60_000)).toBe(true)
    expect(clockIsOff(60_000)).toBe(false)
    expect(clockIsOff(null)).toBe(false)
  })

  it('formats rates given as a fraction or a percentage', () => {
    expect(formatRate(0.75)).toBe('75.0 %')
    expect(formatRate(1)).toBe('100 %')
    expect(formatRate(0)).toBe('0 %')
    expect(formatRate(42.5)).toBe('42.5 %')
    expect(formatRate(null)).toBe('—')
  })

  it('ages', () => {
    expect(formatAge(0, 10_000)).toBe('just now')
    expect(formatAge(0, 5 * 60_000)).toBe('5 min ago')
    expect(formatAge(0, 3 * 3_600_000)).toBe('3 h ago')
  })

  it('pretty-prints JSON bodies and leaves others alone', () => {
    expect(prettyBody('{"a":1}')).toEqual({ text: '{\n  "a": 1\n}', json: true })
    expect(prettyBody('<html>')).toEqual({ text: '<html>', json: false })
    expect(prettyBody(null)).toEqual({ text: '', json: false })
  })

  it('converts the Timestamp header', () => {
    expect(unixSecondsToMs('1700000000')).toBe(1_700_000_000_000)
    expect(unixSecondsToMs('abc')).toBeNull()
  })
})
