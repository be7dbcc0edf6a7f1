import { defaultTransactionRef } from '../../../shared/domain/enrollInput.ts'

// The default reference is JB-<unix seconds>-Enrol. Two references handed out within the same
// second would be equal, so each one is at least a second after the last one given.
let lastSecond = 0

/** A default transaction reference never handed out before by this window. */
export function nextDefaultReference(nowMs: number = Date.now()): string {
  const second = Math.max(Math.floor(nowMs / 1000), lastSecond + 1)
  lastSecond = second
  return defaultTransactionRef(second * 1000)
}
