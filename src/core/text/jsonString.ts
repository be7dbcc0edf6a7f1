// JSON.stringify(text) for a string, without its general path for the common case: exports and
// history reads encode several strings per record, a million records at a time, and most of
// those strings need no escaping at all.

/** Strings JSON.stringify writes as they are between quotes (no quote, backslash, control character or lone-surrogate candidate). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const JSON_PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/

/** Whether JSON.stringify(text) is text between quotes. */
export function isJsonPlain(text: string): boolean {
  return JSON_PLAIN.test(text)
}

/** Exactly JSON.stringify(text). */
export function jsonString(text: string): string {
  return JSON_PLAIN.test(text) ? `"${text}"` : JSON.stringify(text)
}
