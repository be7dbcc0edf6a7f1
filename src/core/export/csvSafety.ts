// CSV (formula) injection guard, after the OWASP "CSV Injection" guidance: a cell that starts
// with = + - @ TAB or CR is prefixed with a single quote ' so that Excel, LibreOffice and
// Numbers show it as text instead of evaluating it. The full-width forms ＝ ＋ － ＠ are
// treated the same (some spreadsheets normalise them to their ASCII forms; csv-stringify's own
// `escape_formulas` guards them for that reason).
//
// DECISION — numeric columns are exempt, by column type, never by value:
//  * Columns whose values are JavaScript numbers we formatted ourselves (attempt_id,
//    http_status, token_ms, request_ms, duration_ms, clock_offset_ms, retry_of) are written as
//    plain numbers, so a clock offset of -1200 stays -1200 and sorts and sums as a number.
//    String(number) is always `-?digits[.digits][e±digits]` — never a formula — so exempting
//    them cannot open an injection.
//  * Every text column is guarded, even when its content happens to look numeric: error code
//    `-2` becomes `'-2`, `+1` becomes `'+1`. Text comes from operators and from the server, and
//    a value-based exemption ("looks like a number") would need a parser that agrees with every
//    spreadsheet's (`-2+3`, `-1e3`, `- 2`, locale decimal commas…); deciding by column type is
//    predictable: a reader strips one leading ' from a text cell that starts with '= '+ '- '@
//    '\t '\r (or the full-width forms) and gets the original back.
//  * Cells are not trimmed first: a cell starting with a space is not evaluated by spreadsheets.

/** Characters that make a spreadsheet treat a cell as a formula. */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']

/** The prefix added to a risky text cell. */
export const INERT_PREFIX = "'"

/** Whether a text cell would be evaluated by a spreadsheet. */
export function isFormulaLike(text: string): boolean {
  switch (text.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // carriage return
    case 0xff1d: // ＝
    case 0xff0b: // ＋
    case 0xff0d: // －
    case 0xff20: // ＠
      return true
    default:
      return false
  }
}

/** A text cell made inert: prefixed with ' when it starts with a formula trigger. */
export function guardTextCell(text: string): string {
  return isFormulaLike(text) ? INERT_PREFIX + text : text
}

/** The kinds of column in the CSV export (see the decision above). */
export type CellKind = 'text' | 'number'

/**
 * One cell as written: numbers (numeric columns) verbatim, text guarded, null as empty.
 * A non-finite number (NaN, Infinity) is written empty, as it has no CSV meaning.
 */
export function safeCell(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  return guardTextCell(value)
}
