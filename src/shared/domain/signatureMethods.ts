export const SIGNATURE_METHODS = ['SHA1', 'SHA-256', 'SHA-512'] as const
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number]
export function isSignatureMethod(value: unknown): value is SignatureMethod {
  return (SIGNATURE_METHODS as readonly unknown[]).includes(value)
}

export const DEFAULT_SIGNATURE_METHOD: SignatureMethod = 'SHA-256'
