// For reference next to bench/minimalEnroll.mjs (the yardstick, on fetch): the same exchange on
// Node's own HTTP client, which the CLI uses (src/core/protocol/httpTransport.ts). `npm run
// bench -- cli` prints the CLI's ratio to this one too, so that the transport's share is seen.
// Usage: node bench/minimalEnrollHttp.mjs BASE_URL PAYMENT_ID MSISDN (credentials in
// OTP_CLIENT_ID / OTP_CLIENT_SECRET).

import { createHash, randomBytes } from 'node:crypto'
import { request } from 'node:http'

const [baseUrl, paymentId, phone] = process.argv.slice(2)
const { OTP_CLIENT_ID: clientId, OTP_CLIENT_SECRET: clientSecret } = process.env

function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const tokenAnswer = await post(
  `${baseUrl}/passport/oauth/token`,
  { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
  'grant_type=client_credentials',
)
const { access_token: token } = JSON.parse(tokenAnswer.text)

const url = `${baseUrl}/api/v3/purchases/otps/enrollments`
const timestamp = String(Math.floor(Date.now() / 1000))
const nonce = randomBytes(16).toString('hex')
const cipher = ['POST', encodeURIComponent(url), timestamp, nonce, clientId, clientSecret].join('&')
const answer = await post(
  url,
  {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${token}`,
    Timestamp: timestamp,
    Nonce: nonce,
    Signature: createHash('sha256').update(cipher).digest('base64'),
    SignatureMethod: 'SHA-256',
    AuthKeyVersion: '1',
  },
  JSON.stringify({ paymentId, mobilePhoneNumber: phone, transactionRef: `JB-${timestamp}-Enrol` }),
)
console.log(JSON.stringify({ status: answer.status, body: answer.text }))
