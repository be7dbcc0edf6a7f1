import { describe, expect, it } from 'vitest'
import { runShortcut, onShortcut, shortcutFor, type KeyLike } from './shortcuts.ts'

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods })

describe('shortcutFor', () => {
  it('maps the daily moves', () => {
    expect(shortcutFor(key('Enter', { ctrlKey: true }), true, false)).toBe('send')
    expect(shortcutFor(key('E', { ctrlKey: true, shiftKey: true }), true, false)).toBe('new-enrollment')
    expect(shortcutFor(key('f', { ctrlKey: true }), false, false)).toBe('focus-search')
    expect(shortcutFor(key('B', { ctrlKey: true, shiftKey: true }), true, false)).toBe('bulk')
    expect(shortcutFor(key('b', { ctrlKey: true }), true, false)).toBeNull()
    expect(shortcutFor(key('j'), false, false)).toBe('next-attempt')
    expect(shortcutFor(key('k'), false, false)).toBe('previous-attempt')
    expect(shortcutFor(key('Escape'), true, false)).toBe('close-panel')
    expect(shortcutFor(key('F1'), true, false)).toBe('help')
    expect(shortcutFor(key('?', { shiftKey: true }), false, false)).toBe('help')
  })

  it('leaves plain letters and editing combinations alone while typing', () => {
    for (const k of ['j', 'k', '/', '?', 'a', 'n']) expect(shortcutFor(key(k), true, false)).toBeNull()
    for (const k of ['a', 'c', 'v', 'x', 'z', 'y', 'n', 'Backspace', 'ArrowLeft']) expect(shortcutFor(key(k, { ctrlKey: true }), true, false)).toBeNull()
    expect(shortcutFor(key('j', { altKey: true }), false, false)).toBeNull()
  })

  it('uses Cmd, not Ctrl, on a Mac', () => {
    expect(shortcutFor(key('Enter', { metaKey: true }), true, true)).toBe('send')
    expect(shortcutFor(key('Enter', { ctrlKey: true }), true, true)).toBeNull()
  })
})

describe('runShortcut', () => {
  it('runs the newest registration and stops after it is removed', () => {
    const calls: string[] = []
    const offA = onShortcut('help', () => void calls.push('a'))
    const offB = onShortcut('help', () => void calls.push('b'))
    expect(runShortcut('help')).toBe(true)
    offB()
    expect(runShortcut('help')).toBe(true)
    offA()
    expect(runShortcut('help')).toBe(false)
    expect(calls).toEqual(['b', 'a'])
  })

  it('a handler returning false leaves the key to the browser', () => {
    const off = onShortcut('send', () => false)
    expect(runShortcut('send')).toBe(false)
    off()
  })
})
