// A fresh nonce for every request: 16 random bytes as 32 lower-case hex characters
// (alphanumeric, well under the API's 64-character limit).

const NONCE_BYTES = 16

export function createNonce(randomBytes: (n: number) => Uint8Array): string {
  const bytes = randomBytes(NONCE_BYTES)
  if (bytes.length < NONCE_BYTES) throw new Error(`The random source returned ${bytes.length} bytes; ${NONCE_BYTES} are needed for a nonce.`)
  let hex = ''
  for (const byte of bytes.subarray(0, NONCE_BYTES)) hex += byte.toString(16).padStart(2, '0')
  return hex
}
