// Keyboard shortcuts for the daily moves. None clashes with text editing: while the focus is in
// a text field only Ctrl/Cmd combinations, F1 and Escape count; single keys (j, k, /, ?) work
// only outside text fields, and no combination is one an editor uses (no Ctrl+A/C/V/X/Z/Y…).

export type ShortcutAction = 'send' | 'new-enrollment' | 'bulk' | 'focus-search' | 'next-attempt' | 'previous-attempt' | 'close-panel' | 'help'

export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

export interface ShortcutHelp {
  action: ShortcutAction
  keys: string[]
  description: string
}

/** What the Help dialog lists, in the order an agent meets them. `Mod` is Ctrl, or ⌘ on a Mac. */
export const SHORTCUTS: ShortcutHelp[] = [
  { action: 'send', keys: ['Mod+Enter'], description: 'Send the enrollment (Enroll view)' },
  { action: 'new-enrollment', keys: ['Mod+Shift+E'], description: 'New enrollment: go to Enroll, payment id focused' },
  { action: 'bulk', keys: ['Mod+Shift+B'], description: 'Bulk enrollment from a file: go to Bulk' },
  { action: 'focus-search', keys: ['Mod+F', '/'], description: 'Search history' },
  { action: 'next-attempt', keys: ['J'], description: 'Next attempt in History (opens its details)' },
  { action: 'previous-attempt', keys: ['K'], description: 'Previous attempt in History (opens its details)' },
  { action: 'close-panel', keys: ['Escape'], description: 'Close the attempt details or a dialog' },
  { action: 'help', keys: ['F1', '?'], description: 'Show these shortcuts' },
]

export function keyLabel(keys: string, mac: boolean): string {
  return keys.replace('Mod', mac ? '⌘' : 'Ctrl').replace('Shift', mac ? '⇧' : 'Shift')
}

/** The shortcut a key press means, or null. `typing`: focus is in a text field or select. */
export function shortcutFor(e: KeyLike, typing: boolean, mac: boolean): ShortcutAction | null {
  const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key
  if (mod && !e.altKey) {
    if (key === 'Enter' && !e.shiftKey) return 'send'
    if (key === 'e' && e.shiftKey) return 'new-enrollment'
    if (key === 'b' && e.shiftKey) return 'bulk'
    if (key === 'f' && !e.shiftKey) return 'focus-search'
    return null
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return null
  if (key === 'F1') return 'help'
  if (key === 'Escape') return 'close-panel'
  if (typing) return null
  if (key === 'j') return 'next-attempt'
  if (key === 'k') return 'previous-attempt'
  if (key === '/') return 'focus-search'
  if (e.key === '?') return 'help'
  return null
}

/** Whether keys typed now go into a field (so plain letters must be left alone). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
  return false
}

type Handler = () => boolean | void

const handlers = new Map<ShortcutAction, Handler[]>()

/**
 * Views register what a shortcut does while they are shown; the newest registration wins. A
 * handler returning false passes the key on (the browser's default then applies).
 */
export function onShortcut(action: ShortcutAction, handler: Handler): () => void {
  handlers.set(action, [...(handlers.get(action) ?? []), handler])
  return () => handlers.set(action, (handlers.get(action) ?? []).filter((h) => h !== handler))
}

/** Runs the newest handler of an action; true when something handled it. */
export function runShortcut(action: ShortcutAction): boolean {
  const list = handlers.get(action) ?? []
  const handler = list.at(-1)
  if (!handler) return false
  return handler() !== false
}
