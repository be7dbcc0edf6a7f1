import type { AttemptDetail } from '../../shared/domain/historyViews.ts'
import type { HistoryStore } from '../history/types.ts'
import { encodeCipherUrl, maskedCipher } from '../protocol/signer.ts'

/**
 * A stored attempt with what a troubleshooter needs next to it: the attempts for the same
 * payment, and the exact cipher that was hashed — rebuilt from the stored non-secret parts,
 * with the secret replaced by a mask — so an E26 can be diagnosed without guessing.
 */
export function attemptDetail(history: HistoryStore, id: number): AttemptDetail | undefined {
  const record = history.get(id)
  if (!record) return undefined
  const timestamp = record.requestHeaders.Timestamp ?? ''
  const nonce = record.requestHeaders.Nonce ?? ''
  return {
    record,
    chain: history.chain(record.paymentId),
    cipher: maskedCipher({ method: 'POST', url: record.requestUrl, timestamp, nonce, clientId: record.clientId }),
    encodedUrl: encodeCipherUrl(record.requestUrl),
  }
}
