// The run's rate limit: requests are spaced at least 1/rate seconds apart (a token bucket
// holding at most one token). Any one-second window then holds at most rate + 1 request
// starts — the most a server measuring windows can see over the limit is one request — and
// a late timer or a pause never lets a burst through to catch up.

export interface RateLimit {
  /** Ms to wait before the next request may start (0: now). */
  waitMs(nowMs: number): number
  /** Records a request starting now (call only when waitMs is 0). */
  take(nowMs: number): void
}

export function createRateLimit(rate: number | null): RateLimit {
  if (rate === null) return { waitMs: () => 0, take() {} }
  const spacingMs = 1000 / rate
  let nextAt = Number.NEGATIVE_INFINITY
  return {
    waitMs(nowMs) {
      return Math.max(0, nextAt - nowMs)
    },
    take(nowMs) {
      // From the later of now and the slot due: waiting idle earns no credit.
      nextAt = Math.max(nowMs, nextAt) + spacingMs
    },
  }
}
