import type { AttemptRecord } from './attempt.ts'

/** A complete attempt record for tests of every layer (core, CLI, renderer); override what a test cares about. */
export function sampleRecord(over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: 123,
    startedAt: Date.UTC(2025, 10, 21, 5, 0, 0),
    finishedAt: Date.UTC(2025, 10, 21, 5, 0, 1),
    environment: 'sandbox',
    baseUrl: 'https://sandbox.interswitchng.com',
    channel: 'console',
    operator: 'ada',
    appVersion: '0.1.0',
    clientId: 'IKIA9614B82064D632E9B6418DF358A6A4AEA84D7218',
    paymentId: '266274',
    phone: '2348031234567',
    transactionRef: 'JB-1763701200-Enrol',
    signatureMethod: 'SHA-256',
    requestUrl: 'https://sandbox.interswitchng.com/api/v3/purchases/otps/enrollments',
    requestHeaders: {
      'Content-Type': 'application/json',
      Timestamp: '1763701200',
      Nonce: 'a1b2c3d4e5',
      SignatureMethod: 'SHA-256',
      AuthKeyVersion: '1',
    },
    requestBody: '{"paymentId":"266274","mobilePhoneNumber":"2348031234567","transactionRef":"JB-1763701200-Enrol"}',
    httpStatus: 400,
    responseHeaders: { 'content-type': 'application/json', date: 'Fri, 21 Nov 2025 05:00:01 GMT' },
    responseBody: '{"errors":[{"code":"E26","message":"Signature failed"}],"transactionRef":"JB-1763701200-Enrol","paymentId":"266274"}',
    outcome: 'rejected',
    errors: [{ code: 'E26', message: 'Signature failed' }],
    failureReason: null,
    tokenMs: 120,
    requestMs: 340,
    durationMs: 470,
    clockOffsetMs: 2_000,
    retryOf: null,
    ...over,
  }
}
