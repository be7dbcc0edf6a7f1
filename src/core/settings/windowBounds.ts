import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../storage/privateFiles.ts'

// The main window's size and position, remembered between runs and put back on a display that
// still exists: a window saved on a monitor that is gone, or larger than the screen now, must
// open where it can be seen. Plain Node; the Electron side passes in the displays' work areas.

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowBounds extends Rect {
  maximized: boolean
}

export interface WindowSizeRules {
  width: number
  height: number
  minWidth: number
  minHeight: number
}

export const WINDOW_SIZE: WindowSizeRules = { width: 1280, height: 820, minWidth: 960, minHeight: 640 }

/** At least this much of the title bar must be on a display for the window to count as visible. */
const MIN_VISIBLE = 100

function isFiniteInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

/** The saved value, or null when it is missing or not a window's bounds. */
export function parseWindowBounds(value: unknown): WindowBounds | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (!isFiniteInt(v.x) || !isFiniteInt(v.y) || !isFiniteInt(v.width) || !isFiniteInt(v.height)) return null
  if (v.width <= 0 || v.height <= 0) return null
  return { x: Math.round(v.x), y: Math.round(v.y), width: Math.round(v.width), height: Math.round(v.height), maximized: v.maximized === true }
}

function overlap(a: Rect, b: Rect): { w: number; h: number } {
  return { w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x), h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) }
}

/**
 * Where to open the window. Saved bounds are kept when their top edge is on a display; otherwise
 * (or with nothing saved) the default size is centred on the first display. The size never
 * exceeds that display's work area nor goes under the minimum.
 */
export function placeWindow(saved: WindowBounds | null, workAreas: Rect[], rules: WindowSizeRules = WINDOW_SIZE): WindowBounds {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: rules.width, height: rules.height }
  const titleBar = (b: Rect): Rect => ({ x: b.x, y: b.y, width: b.width, height: 32 })
  const home = saved ? workAreas.find((area) => {
    const o = overlap(titleBar(saved), area)
    return o.w >= Math.min(MIN_VISIBLE, saved.width) && o.h > 0
  }) : undefined
  const area = home ?? primary
  const fit = (want: number, min: number, max: number) => Math.max(Math.min(want, max), Math.min(min, max))
  const width = fit(saved && home ? saved.width : rules.width, rules.minWidth, area.width)
  const height = fit(saved && home ? saved.height : rules.height, rules.minHeight, area.height)
  if (saved && home) {
    // Pull it fully onto its display if it hangs over an edge.
    const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width)
    const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height)
    return { x, y, width, height, maximized: saved.maximized }
  }
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
    maximized: false,
  }
}

/** Reads and writes the bounds file (JSON); an unreadable file means "nothing saved". */
export function createWindowBoundsStore(path: string) {
  return {
    load(): WindowBounds | null {
      try {
        return parseWindowBounds(JSON.parse(readFileSync(path, 'utf8')))
      } catch {
        return null
      }
    },
    save(bounds: WindowBounds): void {
      ensurePrivateDir(dirname(path))
      const tmp = `${path}.tmp`
      writeFileSync(tmp, `${JSON.stringify(bounds)}\n`, { mode: PRIVATE_FILE_MODE })
      renameSync(tmp, path) // never a half-written file
    },
  }
}
