import { mayHoldSecret } from '../log/redact.ts'
import { isJsonPlain } from '../text/jsonString.ts'

// The request body nearly every attempt sends is fixed pieces around the record's own payment
// id, phone and reference. For values that are plain (nothing JSON escapes) and free of secret
// hints, the JSON Lines fast path guards such a body value by value instead of whole, about
// 1 s less per million records. (The usual response body, `{"transactionRef":…,"paymentId":…}`,
// fits the same premise but gains nothing: without a phone number in it, its guard is cheap.)
//
// Why that writes the same text as guarding the whole body and JSON-escaping it: the fixed
// pieces hold no digit and no secret hint and meet the values at `"` (usualBody checks this);
// no secret hint contains `"`, so no secret rule applies to the whole; a phone match, or the
// record's own number, is made of digits, spaces, `-` and `+`, so it lies inside one value,
// and a `"` next to a value looks to the phone pattern's look-behind and look-ahead like the
// end of the text; the masks only put `*` for digits, so guarded values stay plain; and
// escaping the whole only turns the fixed pieces' `"` into `\"`. jsonlLine.test.ts holds the
// result equal to the reference on hostile values.

export interface BodyValues {
  paymentId: string
  phone: string
  ref: string
}

type Key = keyof BodyValues

export interface UsualBody {
  /** The fixed text before the first value, between values, and after the last. */
  readonly pieces: readonly string[]
  readonly keys: readonly Key[]
  /** The pieces as they read inside a JSON string. */
  readonly escaped: readonly string[]
  readonly fixedLength: number
}

/** A body shape; throws if its pieces break the premise above (a programming error). */
export function usualBody(pieces: readonly string[], keys: readonly Key[]): UsualBody {
  if (pieces.length !== keys.length + 1) throw new Error('A usual body has one more piece than values.')
  pieces.forEach((piece, i) => {
    const meetsValues = (i === 0 || piece.startsWith('"')) && (i === pieces.length - 1 || piece.endsWith('"'))
    if (/\d/.test(piece) || mayHoldSecret(piece) || !meetsValues) throw new Error(`Usual body piece ${JSON.stringify(piece)} breaks the premise.`)
  })
  return { pieces, keys, escaped: pieces.map((piece) => JSON.stringify(piece).slice(1, -1)), fixedLength: pieces.reduce((n, piece) => n + piece.length, 0) }
}

/** JSON.stringify({ paymentId, mobilePhoneNumber, transactionRef }): what the client sends. */
export const REQUEST_BODY = usualBody(['{"paymentId":"', '","mobilePhoneNumber":"', '","transactionRef":"', '"}'], ['paymentId', 'phone', 'ref'])

/** Whether the values can be guarded on their own (plain, no secret hint). */
export function valuesFit(values: BodyValues): boolean {
  for (const key of ['paymentId', 'phone', 'ref'] as const) {
    if (!isJsonPlain(values[key]) || mayHoldSecret(values[key])) return false
  }
  return true
}

/** Whether `body` is exactly `shape` around `values`. */
export function isUsualBody(body: string, shape: UsualBody, values: BodyValues): boolean {
  const { pieces, keys } = shape
  let length = shape.fixedLength
  for (const key of keys) length += values[key].length
  if (body.length !== length) return false
  // One comparison with the body rebuilt: cheaper than comparing it piece by piece.
  let expected = pieces[0] as string
  for (let i = 0; i < keys.length; i++) expected += values[keys[i] as Key] + (pieces[i + 1] as string)
  return body === expected
}

/** The exported JSON string of a usual body, from its values already guarded (and fitting, see valuesFit). */
export function usualBodyJson(shape: UsualBody, guarded: BodyValues): string {
  const { escaped, keys } = shape
  let out = '"' + (escaped[0] as string)
  for (let i = 0; i < keys.length; i++) out += guarded[keys[i] as Key] + (escaped[i + 1] as string)
  return out + '"'
}
