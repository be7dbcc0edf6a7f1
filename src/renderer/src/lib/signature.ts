import type { SignatureMethod } from '../../../shared/domain/signatureMethods.ts'

// Helps the signature inspector explain what was signed. The cipher arrives from main with
// the client secret already masked; this only splits it for display.

export const CIPHER_PART_LABELS = ['HTTP method', 'Encoded URL', 'Timestamp', 'Nonce', 'Client id', 'Client secret (masked)'] as const

export function signatureExplanation(method: SignatureMethod | string): string {
  return `Signature = base64(${method}(cipher)), where cipher = method & percent-encoded URL & Timestamp & Nonce & client id & client secret, joined with “&”.`
}

/** The six enrollment cipher fields with labels; extra fields (other endpoints) are labelled by position. */
export function cipherParts(cipher: string): { label: string; value: string }[] {
  if (!cipher) return []
  return cipher.split('&').map((value, i) => ({ label: CIPHER_PART_LABELS[i] ?? `Field ${i + 1}`, value }))
}
