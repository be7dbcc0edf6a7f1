import { deflateRawSync, inflateRawSync } from 'node:zlib'

// Headers and bodies of attempts are short JSON that repeats from row to row (header names,
// content types, the documented error messages), which plain deflate cannot exploit on a few
// hundred bytes. A preset dictionary of those strings lets ~400 B of response headers
// compress to ~35 B. Stored layout: one format byte, then the payload.
//   0 = UTF-8 text as is (when compression would not help)
//   1 = deflate-raw, window 2^11, with DICTIONARY_V1
// DICTIONARY_V1 must never change once rows use it: a new dictionary is a new format byte.

const RAW = 0
const DEFLATE_V1 = 1
const WINDOW_BITS = 11

// Later strings are cheaper to refer to, so the most common ones come last.
const DICTIONARY_V1 = Buffer.from(
  [
    '<html><head><title>502 Bad Gateway</title></head><body><center><h1>',
    'Service Unavailable',
    'Internal Server Error',
    '"transfer-encoding":"chunked","vary":"Origin","x-powered-by":"Express","access-control-allow-origin":"*",',
    '{"cache-control":"no-cache, no-store, max-age=0, must-revalidate","connection":"keep-alive",',
    '"content-type":"text/html","etag":"W/","keep-alive":"timeout=5","expires":"0","pragma":"no-cache","server":"nginx",',
    '"strict-transport-security":"max-age=31536000 ; includeSubDomains","x-content-type-options":"nosniff",',
    '"x-frame-options":"DENY","x-xss-protection":"1; mode=block"}',
    '{"errors":[{"code":"E26","message":"Signature failed"},{"code":"-2","message":"An OTP related error has occured, please contact support."}',
    '{"errors":[{"code":"10403","message":"Payments is not allowed for auto enrollment"}],"transactionRef":"JB-17',
    '-Enrol","paymentId":"',
    '{"content-length":"1","content-type":"application/json;charset=UTF-8","date":"Mon, Tue, Wed, Thu, Fri, Sat, Sun, 01 Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec 2026 00:00:00 GMT"}',
    '{"Content-Type":"application/json","Timestamp":"17","Nonce":"","SignatureMethod":"SHA-256","AuthKeyVersion":"1"}',
    '{"paymentId":"","mobilePhoneNumber":"2348","transactionRef":"JB-17',
  ].join(''),
  'utf8',
)

// Level 1 and a small hash table: on a few hundred bytes they compress as well as the
// defaults (the dictionary does the work) at half the cost.
const options = { dictionary: DICTIONARY_V1, windowBits: WINDOW_BITS, memLevel: 1, level: 1 }
/** Below this, compressing cannot win enough to pay for the call. */
const MIN_PACKED_LENGTH = 24

export function encodeBlob(text: string): Uint8Array {
  const raw = Buffer.from(text, 'utf8')
  if (raw.length < MIN_PACKED_LENGTH) return withFormat(RAW, raw)
  const packed = deflateRawSync(raw, options)
  return packed.length < raw.length ? withFormat(DEFLATE_V1, packed) : withFormat(RAW, raw)
}

export function decodeBlob(blob: Uint8Array): string {
  const body = blob.subarray(1)
  switch (blob[0]) {
    case RAW:
      return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
    case DEFLATE_V1:
      return inflateRawSync(body, { dictionary: DICTIONARY_V1, windowBits: WINDOW_BITS }).toString('utf8')
    default:
      throw new Error(`Unknown stored text format ${String(blob[0])}; this history was written by a newer console.`)
  }
}

function withFormat(format: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1)
  out[0] = format
  out.set(payload, 1)
  return out
}
