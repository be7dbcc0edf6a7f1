import { phoneSearchDigits } from '../../shared/domain/phone.ts'

// The History search box matches, as substrings: the payment id, the transaction reference
// (ignoring ASCII case) and — when the text looks like a phone number — the phone digits,
// with a local `0803…` form read as `234803…`. The exact rule is the SQL in
// historySql.ts; the trigram index only narrows the rows that rule is checked on.

export interface SearchSpec {
  /** The trimmed text, matched against payment id and transaction reference. */
  text: string
  /** Digits matched against the phone, or null when the text is not phone-like. */
  phoneDigits: string | null
  /**
   * Trigram groups for the FTS index: a row can match only if it holds every trigram of at
   * least one group. null when some part is under 3 characters and has no trigram at all,
   * so the index cannot narrow the search (the row rule alone then applies).
   */
  trigramGroups: string[][] | null
}

const PHONE_LIKE = /^[\d\s+().-]+$/

export function parseSearch(search: string): SearchSpec {
  const text = search.trim()
  const phoneDigits = PHONE_LIKE.test(text) ? phoneSearchDigits(text) || null : null
  const parts = [text, ...(phoneDigits !== null && phoneDigits !== text ? [phoneDigits] : [])]
  const groups = parts.map(trigrams)
  return { text, phoneDigits, trigramGroups: groups.every((g) => g.length > 0) ? groups : null }
}

/** The text indexed for one attempt (separators keep fields from running together). */
export function searchIndexText(paymentId: string, transactionRef: string, phone: string): string {
  return `${paymentId}\n${transactionRef}\n${phone}`
}

/**
 * Distinct windows of 3 code points. Not case-folded here: the tokenizer folds each quoted
 * window itself, and JS lower-casing can change a window's length (İ → i̇), which would turn
 * one token into a phrase (unsupported with detail=none).
 */
export function trigrams(value: string): string[] {
  const chars = Array.from(value)
  const out = new Set<string>()
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(''))
  return [...out]
}

/** FTS5 MATCH expression: OR of groups, each an AND of quoted trigrams. */
export function trigramMatchExpression(groups: readonly (readonly string[])[]): string {
  const quote = (t: string) => `"${t.replaceAll('"', '""')}"`
  return groups.map((g) => `(${g.map(quote).join(' AND ')})`).join(' OR ')
}
