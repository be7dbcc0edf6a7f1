// The yardstick for `npm run bench -- cli`: the least a one-process Node script can do to
// enroll a card — get a token, send the signed enrollment, print the answer. No validation,
// no history, no logging. Usage: node bench/minimalEnroll.mjs BASE_URL PAYMENT_ID MSISDN
// (credentials in OTP_CLIENT_ID / OTP_CLIENT_SECRET).

import { createHash, randomBytes } from 'node:crypto'

const [baseUrl, paymentId, phone] = process.argv.slice(2)
const { OTP_CLIENT_ID: clientId, OTP_CLIENT_SECRET: clientSecret } = process.env

const tokenAnswer = await fetch(`${baseUrl}/passport/oauth/token`, {
  method: 'POST',
  headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
})
const { access_token: token } = await tokenAnswer.json()

const url = `${baseUrl}/api/v3/purchases/otps/enrollments`
const timestamp = String(Math.floor(Date.now() / 1000))
const nonce = randomBytes(16).toString('hex')
const cipher = ['POST', encodeURIComponent(url), timestamp, nonce, clientId, clientSecret].join('&')
const answer = await fetch(url, {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${token}`,
    Timestamp: timestamp,
    Nonce: nonce,
    Signature: createHash('sha256').update(cipher).digest('base64'),
    SignatureMethod: 'SHA-256',
    AuthKeyVersion: '1',
  },
  body: JSON.stringify({ paymentId, mobilePhoneNumber: phone, transactionRef: `JB-${timestamp}-Enrol` }),
})
console.log(JSON.stringify({ status: answer.status, body: await answer.text() }))
