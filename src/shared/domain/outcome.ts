/**
 * enrolled  – 2xx with no `errors` array;
 * rejected  – the API answered with `errors[]` (business or gateway codes);
 * failed    – HTTP failure without a usable answer, or the request never left (no credentials,
 *             token refused, connection refused before sending);
 * unknown   – the request may have reached the server but no answer came (timeout, connection
 *             lost, app closed mid-request). Never retried automatically.
 */
export const OUTCOMES = ['enrolled', 'rejected', 'failed', 'unknown'] as const
export type Outcome = (typeof OUTCOMES)[number]
