export const SIGNATURE_METHODS = ['SHA1', 'SHA-256', 'SHA-512'] as const
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number]
export const DEFAULT_SIGNATURE_METHOD: SignatureMethod = 'SHA-256'
