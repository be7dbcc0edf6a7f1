import { textGuardLeavesAlone } from './recordGuard.ts'

// Most of an exported line repeats from record to record: the keys, and values such as the
// environment, base URL, operator, header names and values, outcome. A LineTrie writes those
// runs once per export. A line is a sequence of tokens, each at a Slot (`,"operator":` and how
// a value is written); a run of tokens whose values have been seen before is one node of a
// trie, holding the run's finished text (flat, so writing it is one copy). A value that is new
// each time (a nonce, a timestamp, a body) is a hole: guarded and written on its own, and the
// next run starts after it.
//
// Only values that no record's guard can change (textGuardLeavesAlone) enter the trie, so a
// node's text is right for every record whose phone fits that premise (phoneFitsLeaveAlone);
// the caller checks that before using a trie. Writing a line from a few long runs instead of a
// hundred short strings is most of what makes the JSON Lines export fast: V8 builds and then
// flattens a string of many pieces piece by piece.

/** Distinct values a slot remembers; one more and it stops (its values are unique, e.g. a nonce). */
export const SLOT_CAPACITY = 256
/**
 * Nodes one export keeps (a run's text, up to a few hundred bytes, each); past it new runs
 * are written piece by piece. Runs of independent fields multiply (environment × channel ×
 * operator × version…): 4,000 holds the common ones at a few MB; 20,000 bought no measurable time.
 */
export const MAX_NODES = 4_000

export interface Slot {
  /** The JSON text before the value, e.g. `,"operator":`. */
  readonly prefix: string
  /** How a (guarded) value is written: JSON string, or a number's text as it is. */
  readonly render: (value: string) => string
  /** Whether values at this slot need the record's guard (texts) or not (numbers, punctuation). */
  readonly guarded: boolean
  /** value → prefix + render(value), for values no guard changes. */
  readonly pieces: Map<string, string>
  /** Runs that start at this slot (after a hole), by value. */
  readonly roots: Map<string, TrieNode>
  misses: number
  open: boolean
}

interface TrieNode {
  /** The line text of the run from its first token to this one, flat. */
  readonly text: string
  /** The child last taken, and its value: the next record usually takes it again (a one-entry cache before the map). */
  lastValue: string | undefined
  lastChild: TrieNode | undefined
  /** Children at the slot that followed this node first (nearly always the only one). */
  slot: Slot | undefined
  next: Map<string, TrieNode> | undefined
  /** Children at other slots. */
  others: Map<Slot, Map<string, TrieNode>> | undefined
}

/** A slot for a text value (guarded per record). */
export function textSlot(prefix: string, render: (text: string) => string): Slot {
  return { prefix, render, guarded: true, pieces: new Map(), roots: new Map(), misses: 0, open: true }
}

const asIs = (text: string): string => text

/** A slot whose value is already JSON text (a number, `null`, or '' for punctuation only). */
export function jsonSlot(prefix: string): Slot {
  return { prefix, render: asIs, guarded: false, pieces: new Map(), roots: new Map(), misses: 0, open: true }
}

/**
 * A copy of `text` as one flat string (a string built by concatenation is a tree of its
 * pieces until V8 flattens it, and it would flatten it again in every line it is written in).
 */
function flat(text: string): string {
  const copy = Buffer.from(text, 'utf8').toString('utf8')
  // Equal unless text holds a lone surrogate (JSON text never does): then keep it as it is.
  return copy === text ? copy : text
}

export interface LineBuilder {
  /** Starts a line whose text values are guarded with `guard`. */
  start(guard: (text: string) => string): void
  /** A value at a slot: a text to guard (textSlot) or JSON text (jsonSlot). */
  put(slot: Slot, value: string): void
  /** Text written as it is, outside any run (a hole). */
  raw(text: string): void
  /** The line so far. */
  finish(): string
}

export function createLineBuilder(options: { capacity?: number; maxNodes?: number } = {}): LineBuilder {
  const capacity = options.capacity ?? SLOT_CAPACITY
  const maxNodes = options.maxNodes ?? MAX_NODES
  let nodes = 0
  let guard: (text: string) => string = asIs
  /** The line before the current run. */
  let out = ''
  /** The current run's last node; undefined after a hole. */
  let node: TrieNode | undefined

  const childOf = (slot: Slot, value: string): TrieNode | undefined => {
    if (node === undefined) return slot.roots.get(value)
    if (node.slot === slot) {
      if (node.lastValue === value) return node.lastChild
      const child = (node.next as Map<string, TrieNode>).get(value)
      if (child !== undefined) {
        node.lastValue = value
        node.lastChild = child
      }
      return child
    }
    return node.others?.get(slot)?.get(value)
  }

  const addChild = (slot: Slot, value: string, piece: string): TrieNode => {
    nodes++
    const child: TrieNode = { text: flat(node === undefined ? piece : node.text + piece), lastValue: undefined, lastChild: undefined, slot: undefined, next: undefined, others: undefined }
    if (node === undefined) slot.roots.set(value, child)
    else if (node.slot === undefined || node.slot === slot) {
      node.slot = slot
      ;(node.next ??= new Map()).set(value, child)
    } else {
      node.others ??= new Map()
      let bySlot = node.others.get(slot)
      if (bySlot === undefined) node.others.set(slot, (bySlot = new Map()))
      bySlot.set(value, child)
    }
    return child
  }

  const hole = (text: string): void => {
    out = node === undefined ? out + text : out + node.text + text
    node = undefined
  }

  return {
    start(lineGuard) {
      guard = lineGuard
      out = ''
      node = undefined
    },
    put(slot, value) {
      if (!slot.open) return hole(slot.prefix + slot.render(slot.guarded ? guard(value) : value))
      const child = childOf(slot, value)
      if (child !== undefined) {
        node = child
        return
      }
      let piece = slot.pieces.get(value)
      if (piece === undefined) {
        piece = slot.prefix + slot.render(slot.guarded ? guard(value) : value)
        if (++slot.misses > capacity) {
          // Values here do not repeat: stop looking them up.
          slot.open = false
          slot.pieces.clear()
          slot.roots.clear()
          return hole(piece)
        }
        if (slot.guarded && !textGuardLeavesAlone(value)) return hole(piece)
        slot.pieces.set(value, (piece = flat(piece)))
      }
      if (nodes >= maxNodes) return hole(piece)
      node = addChild(slot, value, piece)
    },
    raw: hole,
    finish() {
      return node === undefined ? out : out + node.text
    },
  }
}
