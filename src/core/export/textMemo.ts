import { textGuardLeavesAlone } from '../log/redact.ts'

// Most strings of an exported record repeat from record to record (environment, base URL,
// operator, header names and values, error messages), and guarding and encoding them costs
// more than the rest of the export. A TextMemo remembers, for one field of one export, how a
// string that no record's guard can change (textGuardLeavesAlone) is written, so the guard and
// the encoding run once per distinct string instead of once per record.
//
// A memo is only valid for records whose phone fits the premise of textGuardLeavesAlone
// (phoneFitsLeaveAlone); the encoders check that before using one. A field whose values keep
// missing (a nonce, a body holding the phone) stops looking after `capacity` misses, so a
// unique value costs a map lookup only at the start of an export.

export interface TextMemo<T> {
  /** `render(guard(text))`, remembered when no record's guard can change `text`. */
  get(text: string, guard: (text: string) => string): T
}

/** How many misses a field is allowed before it stops remembering (so also how many strings it keeps). */
export const MEMO_CAPACITY = 256

export function createTextMemo<T>(render: (guarded: string) => T, capacity = MEMO_CAPACITY): TextMemo<T> {
  const memo = new Map<string, T>()
  let misses = 0
  let open = true
  return {
    get(text, guard) {
      if (!open) return render(guard(text))
      const hit = memo.get(text)
      if (hit !== undefined) return hit
      const value = render(guard(text))
      if (++misses > capacity) {
        open = false
        memo.clear()
      } else if (textGuardLeavesAlone(text)) memo.set(text, value)
      return value
    },
  }
}
