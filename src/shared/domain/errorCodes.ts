// Plain-language explanations of the codes the API returns in `errors[].code`, taken from
// docs/interswitch-api.md. Unknown codes are shown as they came, never hidden.

export interface CodeExplanation {
  code: string
  /** What happened, in words an operator understands. */
  meaning: string
  /** What the operator should do next. */
  nextStep: string
  /** Whether the code points at this console rather than the operator or the server. */
  kind: 'business' | 'credentials' | 'client-defect' | 'server' | 'account' | 'clock'
}

const CONTACT_SUPPORT = 'Contact Interswitch support with the payment id and transaction reference.'
const TRY_LATER = 'Wait a few minutes and try again; if it keeps happening, contact Interswitch support.'
const CLIENT_DEFECT = 'This is a defect in the console, not something you did. Export a support bundle and report it.'

const table: CodeExplanation[] = [
  { code: '-2', kind: 'business', meaning: 'Interswitch reported an OTP-related error for this payment.', nextStep: CONTACT_SUPPORT },
  {
    code: '10403',
    kind: 'business',
    meaning: 'This payment is not allowed for auto enrollment — usually because the card’s number is already enrolled for OTP.',
    nextStep: 'Check the history for an earlier successful enrollment of this payment; if the card holder still gets no OTP, contact Interswitch support.',
  },
  { code: 'E10', kind: 'server', meaning: 'The service field tag was not populated on the gateway.', nextStep: CONTACT_SUPPORT },
  { code: 'E11', kind: 'server', meaning: 'The gateway expected a transactionType field.', nextStep: CONTACT_SUPPORT },
  { code: 'E12', kind: 'client-defect', meaning: 'The SecurityToken header was missing.', nextStep: CLIENT_DEFECT },
  { code: 'E13', kind: 'credentials', meaning: 'The username or password (client id or secret) was wrong.', nextStep: 'Check the client id and secret stored in Settings for this environment.' },
  { code: 'E14', kind: 'client-defect', meaning: 'The Content-Type header was missing.', nextStep: CLIENT_DEFECT },
  { code: 'E15', kind: 'account', meaning: 'This transaction is not supported for these credentials.', nextStep: 'Check which API products are enabled on the merchant account.' },
  { code: 'E16', kind: 'server', meaning: 'The service is not available right now.', nextStep: TRY_LATER },
  { code: 'E17', kind: 'server', meaning: 'The service provider is not set up on the Interswitch platform.', nextStep: CONTACT_SUPPORT },
  { code: 'E18', kind: 'server', meaning: 'The service cannot be reached at the moment.', nextStep: TRY_LATER },
  { code: 'E19', kind: 'server', meaning: 'The service provider sent back a bad response.', nextStep: TRY_LATER },
  {
    code: 'E20',
    kind: 'server',
    meaning: 'The request timed out inside Interswitch; the card may or may not be enrolled.',
    nextStep: 'Check the payment’s status (history, or ask support) before retrying.',
  },
  { code: 'E21', kind: 'server', meaning: 'Interswitch reported an unknown error.', nextStep: CONTACT_SUPPORT },
  { code: 'E22', kind: 'credentials', meaning: 'The access key (Authorization header) was missing or not accepted.', nextStep: 'Check the credentials stored in Settings for this environment.' },
  { code: 'E23', kind: 'client-defect', meaning: 'The Nonce header was missing.', nextStep: CLIENT_DEFECT },
  {
    code: 'E24',
    kind: 'clock',
    meaning: 'This computer’s clock is more than 30 minutes off the server’s (GMT).',
    nextStep: 'Synchronise the computer’s clock (automatic date and time), then retry.',
  },
  { code: 'E25', kind: 'client-defect', meaning: 'The nonce of this request had already been used.', nextStep: 'Retry: a retry always sends a fresh nonce. If it happens again, report it.' },
  {
    code: 'E26',
    kind: 'credentials',
    meaning: 'The request signature did not match what the server computed.',
    nextStep: 'Check the client secret, the signature method and that the environment’s base URL is the one Interswitch gave you. The signature inspector in the attempt’s details shows exactly what was signed.',
  },
  { code: 'E27', kind: 'server', meaning: 'Interswitch reported an unknown authentication error.', nextStep: CONTACT_SUPPORT },
  { code: 'E28', kind: 'account', meaning: 'These credentials have no access to this API.', nextStep: 'Ask Interswitch to enable the OTP enrollment API for this client id.' },
  { code: 'E29', kind: 'client-defect', meaning: 'The Timestamp header was missing.', nextStep: CLIENT_DEFECT },
  { code: 'E30', kind: 'client-defect', meaning: 'The SecurityToken header was malformed.', nextStep: CLIENT_DEFECT },
  { code: 'E31', kind: 'client-defect', meaning: 'The XML body was badly formatted.', nextStep: CLIENT_DEFECT },
  { code: 'E32', kind: 'client-defect', meaning: 'The JSON body was badly formatted.', nextStep: CLIENT_DEFECT },
  { code: 'E33', kind: 'server', meaning: 'Interswitch could not access its keystore.', nextStep: CONTACT_SUPPORT },
  { code: 'E34', kind: 'server', meaning: 'The system is busy.', nextStep: TRY_LATER },
  { code: 'E35', kind: 'server', meaning: 'A bad request was sent to the service provider.', nextStep: CONTACT_SUPPORT },
  { code: 'E36', kind: 'server', meaning: 'A bad request was sent to the processor.', nextStep: CONTACT_SUPPORT },
  { code: 'E37', kind: 'client-defect', meaning: 'The gateway considered the request bad.', nextStep: 'Check the payment id, phone number and reference, then retry; if they are right, report it.' },
  { code: 'E38', kind: 'server', meaning: 'The service provider sent back a bad response.', nextStep: CONTACT_SUPPORT },
  { code: 'E39', kind: 'server', meaning: 'The processor sent back a bad response.', nextStep: CONTACT_SUPPORT },
  { code: 'E40', kind: 'server', meaning: 'The gateway could not build a response to the console.', nextStep: CONTACT_SUPPORT },
  { code: 'E41', kind: 'client-defect', meaning: 'The gateway considered the request bad.', nextStep: 'Check the payment id, phone number and reference, then retry; if they are right, report it.' },
]

export const ERROR_CODES: ReadonlyMap<string, CodeExplanation> = new Map(table.map((e) => [e.code, e]))

/** Explanation for a code; an unknown code is returned with its message, not replaced. */
export function explainCode(code: string, message?: string): CodeExplanation & { known: boolean } {
  const known = ERROR_CODES.get(code.trim().toUpperCase()) ?? ERROR_CODES.get(code.trim())
  if (known) return { ...known, known: true }
  return {
    code,
    kind: 'server',
    meaning: message ? `The API returned code ${code}: “${message}”. It is not in the documented list.` : `The API returned code ${code}, which is not in the documented list.`,
    nextStep: CONTACT_SUPPORT,
    known: false,
  }
}

const HTTP_MEANINGS: Record<number, { meaning: string; nextStep: string }> = {
  400: { meaning: 'The server refused the request as malformed (400 Bad Request).', nextStep: 'Check the payment id, phone number and reference.' },
  401: { meaning: 'The server did not accept the key or bearer token (401 Unauthorized).', nextStep: 'Check the client id and secret stored in Settings for this environment.' },
  403: { meaning: 'These keys are not allowed to use this API (403 Forbidden).', nextStep: 'Ask Interswitch to enable the OTP enrollment API for this client id.' },
  404: { meaning: 'The endpoint was not found (404) — usually a wrong base URL.', nextStep: 'Check the environment’s base URL in Settings.' },
  500: { meaning: 'The server had a problem (500).', nextStep: TRY_LATER },
  501: { meaning: 'The server does not implement this request (501).', nextStep: CONTACT_SUPPORT },
  502: { meaning: 'A gateway in front of the server failed (502).', nextStep: TRY_LATER },
  503: { meaning: 'The server is unavailable (503).', nextStep: TRY_LATER },
}

export function explainHttpStatus(status: number): { meaning: string; nextStep: string } {
  return (
    HTTP_MEANINGS[status] ?? {
      meaning: `The server answered with HTTP ${status}.`,
      nextStep: status >= 500 ? TRY_LATER : 'Check the request details; if they look right, contact Interswitch support.',
    }
  )
}

/**
 * A code whose advice is to wait and try again (E34 "System busy", E16, E18…): the attempt was
 * refused for now, not for good, so the console shows it as "Busy, retry later".
 */
export function isRetryLater(code: string): boolean {
  return explainCode(code).nextStep === TRY_LATER
}
