import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createWindowBoundsStore, parseWindowBounds, placeWindow, WINDOW_SIZE, type WindowBounds } from './windowBounds.ts'

const laptop = { x: 0, y: 0, width: 1440, height: 900 }
const monitorRight = { x: 1440, y: 0, width: 2560, height: 1440 }

describe('placeWindow', () => {
  it('centres the default size on the first display when nothing is saved', () => {
    expect(placeWindow(null, [laptop])).toEqual({ x: 80, y: 40, width: 1280, height: 820, maximized: false })
  })

  it('keeps saved bounds that are on a display, maximized included', () => {
    const saved: WindowBounds = { x: 1600, y: 100, width: 1500, height: 1000, maximized: true }
    expect(placeWindow(saved, [laptop, monitorRight])).toEqual(saved)
  })

  it('brings back a window saved on a monitor that is gone', () => {
    const saved: WindowBounds = { x: 1600, y: 100, width: 1500, height: 1000, maximized: false }
    const placed = placeWindow(saved, [laptop])
    expect(placed).toEqual({ x: 80, y: 40, width: 1280, height: 820, maximized: false })
  })

  it('shrinks to the work area and pulls a window hanging over an edge back on screen', () => {
    const saved: WindowBounds = { x: 900, y: -10, width: 2000, height: 1200, maximized: false }
    const placed = placeWindow(saved, [laptop])
    expect(placed).toEqual({ x: 0, y: 0, width: 1440, height: 900, maximized: false })
  })

  it('never goes under the minimum size unless the display itself is smaller', () => {
    const saved: WindowBounds = { x: 10, y: 10, width: 300, height: 200, maximized: false }
    expect(placeWindow(saved, [laptop])).toMatchObject({ width: WINDOW_SIZE.minWidth, height: WINDOW_SIZE.minHeight })
    expect(placeWindow(saved, [{ x: 0, y: 0, width: 800, height: 600 }])).toMatchObject({ width: 800, height: 600 })
  })
})

describe('window bounds file', () => {
  it('round-trips bounds and treats a missing or broken file as nothing saved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otp-window-'))
    const store = createWindowBoundsStore(join(dir, 'window.json'))
    expect(store.load()).toBeNull()
    const bounds: WindowBounds = { x: 5, y: 6, width: 1100, height: 700, maximized: false }
    store.save(bounds)
    expect(createWindowBoundsStore(join(dir, 'window.json')).load()).toEqual(bounds)
    writeFileSync(join(dir, 'window.json'), '{ broken')
    expect(store.load()).toBeNull()
  })

  it('rejects values that are not bounds', () => {
    expect(parseWindowBounds({ x: 1, y: 2, width: 0, height: 5 })).toBeNull()
    expect(parseWindowBounds({ x: '1', y: 2, width: 3, height: 5 })).toBeNull()
    expect(parseWindowBounds(null)).toBeNull()
  })
})
