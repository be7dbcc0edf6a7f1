import { describe, expect, it } from 'vitest'
import { isUsualBody, REQUEST_BODY, usualBody, usualBodyJson, valuesFit } from './usualBodies.ts'

/** The API's answer to an enrolment, as a second shape. */
const RESPONSE_BODY = usualBody(['{"transactionRef":"', '","paymentId":"', '"}'], ['ref', 'paymentId'])

const values = { paymentId: '724072502', phone: '2348031234567', ref: 'JB-1767225596-Enrol' }

describe('usual bodies', () => {
  it('recognises the bodies the client sends and the API answers with, and nothing else', () => {
    const request = JSON.stringify({ paymentId: values.paymentId, mobilePhoneNumber: values.phone, transactionRef: values.ref })
    const response = JSON.stringify({ transactionRef: values.ref, paymentId: values.paymentId })
    expect(isUsualBody(request, REQUEST_BODY, values)).toBe(true)
    expect(isUsualBody(response, RESPONSE_BODY, values)).toBe(true)
    expect(isUsualBody(response, REQUEST_BODY, values)).toBe(false)
    expect(isUsualBody(request.replace('"}', '" }'), REQUEST_BODY, values)).toBe(false)
    expect(isUsualBody(request, REQUEST_BODY, { ...values, ref: 'JB-1767225596-Enrox' })).toBe(false)
    // Same length, values shifted between fields.
    expect(isUsualBody(response, RESPONSE_BODY, { ...values, ref: 'JB-1767225596-Enro', paymentId: 'l","paymentId":"724072502' })).toBe(false)
  })

  it('writes JSON.stringify of the body from its values', () => {
    const request = JSON.stringify({ paymentId: values.paymentId, mobilePhoneNumber: values.phone, transactionRef: values.ref })
    expect(usualBodyJson(REQUEST_BODY, values)).toBe(JSON.stringify(request))
    expect(usualBodyJson(RESPONSE_BODY, values)).toBe(JSON.stringify(JSON.stringify({ transactionRef: values.ref, paymentId: values.paymentId })))
  })

  it('takes only values that are plain and free of secret hints', () => {
    expect(valuesFit(values)).toBe(true)
    expect(valuesFit({ ...values, ref: 'a"b' })).toBe(false)
    expect(valuesFit({ ...values, ref: 'tab\there' })).toBe(false)
    expect(valuesFit({ ...values, paymentId: 'token=abc' })).toBe(false)
  })

  it('refuses a shape whose fixed pieces break the premise', () => {
    expect(() => usualBody(['{"n1":"', '"}'], ['ref'])).toThrow(/premise/) // a digit
    expect(() => usualBody(['{"token":"', '"}'], ['ref'])).toThrow(/premise/) // a secret hint
    expect(() => usualBody(['{"a":', '}'], ['ref'])).toThrow(/premise/) // values not met at a quote
    expect(() => usualBody(['{"a":"'], ['ref'])).toThrow(/one more piece/)
  })
})
