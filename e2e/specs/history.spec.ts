import { existsSync, readFileSync } from 'node:fs'
import { E2E_CREDENTIALS, ISSUED_TOKENS_FILE } from '../support/constants.ts'
import type { Page } from '@playwright/test'
import { expect, test, type CompatServer } from '../support/fixtures.ts'
import { DOC_SCREENSHOT_TAG, docScreenshot } from '../support/docScreenshot.ts'
import { configureEnvironment, enroll, fillEnrollForm, openHistory, plainPaymentId, switchEnvironment } from '../support/ui.ts'

const issuedTokens = () => (existsSync(ISSUED_TOKENS_FILE) ? readFileSync(ISSUED_TOKENS_FILE, 'utf8').split('\n').filter(Boolean) : [])
const withSuffix = (suffix: string) => `${plainPaymentId().slice(0, -3)}${suffix}`
const rows = (page: Page) => page.getByTestId('history-table').getByTestId('history-row')

/** Enrolls through the Custom environment (credentials from Settings) and opens the attempt. */
async function openCustomAttempt(page: Page, server: CompatServer): Promise<string> {
  await configureEnvironment(page, 'custom', server)
  await switchEnvironment(page, 'Custom')
  const paymentId = plainPaymentId()
  await enroll(page, { paymentId, phone: '08031234567' })
  await openHistory(page)
  await rows(page).filter({ hasText: paymentId }).click()
  return paymentId
}

test('find an attempt by the phone digits an operator types', async ({ app }) => {
  const { page } = app
  const mine = plainPaymentId()
  const other = plainPaymentId()
  await enroll(page, { paymentId: mine, phone: '0803 123 4567' })
  await enroll(page, { paymentId: other, phone: '0705 555 0000' })
  await openHistory(page)
  await expect(rows(page)).toHaveCount(2)
  await page.getByLabel('Search').fill('0803 123')
  await page.getByLabel('Search').press('Enter')
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first()).toContainText(mine)
})

test('filter by error code, kept in the address so a reload keeps it', async ({ app }) => {
  const { page } = app
  const rejected = withSuffix('403')
  await enroll(page, { paymentId: rejected, phone: '08031234567' })
  await enroll(page, { paymentId: plainPaymentId(), phone: '08031234567' })
  await openHistory(page)
  await page.getByLabel('Error code').fill('10403')
  await page.getByLabel('Error code').press('Enter')
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first()).toContainText(rejected)
  await expect(page).toHaveURL(/code=10403/)
  await page.reload()
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByLabel('Error code')).toHaveValue('10403')
})

test('details show the request with Authorization and Signature redacted, never the secret', async ({ app, compatServer }) => {
  const { page } = app
  await openCustomAttempt(page, compatServer)
  const detail = page.getByTestId('attempt-detail')
  await expect(detail).toBeVisible()
  const headers = detail.getByTestId('request-headers')
  await expect(headers.getByRole('row', { name: /Authorization/ })).toContainText(/redacted/i)
  await expect(headers.getByRole('row', { name: /^Signature\b/ })).toContainText(/redacted/i)
  await expect(headers).toContainText('Nonce')
  await expect(headers).toContainText('Timestamp')
  const cipher = detail.getByTestId('signature-cipher')
  await expect(cipher).toContainText(encodeURIComponent(`${compatServer.url}/api/v3/purchases/otps/enrollments`))
  await expect(cipher).toContainText(E2E_CREDENTIALS.clientId)
  await expect(cipher).toContainText('••••••')
  const html = await page.content()
  expect(html).not.toContain(E2E_CREDENTIALS.clientSecret)
  const tokens = issuedTokens()
  expect(tokens.length).toBeGreaterThan(0)
  for (const token of tokens) expect(html).not.toContain(token)
})

test('Copy as curl gives a runnable command with placeholders instead of secrets', async ({ app, compatServer }) => {
  const { page } = app
  const paymentId = await openCustomAttempt(page, compatServer)
  await page.getByTestId('copy-curl').click()
  const copied = await page.getByTestId('copied-text').getByRole('textbox').inputValue()
  expect(copied).toMatch(/^curl /)
  expect(copied).toContain(`${compatServer.url}/api/v3/purchases/otps/enrollments`)
  expect(copied).toContain('$OTP_TOKEN')
  expect(copied).toContain(paymentId)
  expect(copied).not.toContain(E2E_CREDENTIALS.clientSecret)
  for (const token of issuedTokens()) expect(copied).not.toContain(token)
})

test('retry an unknown-outcome attempt only after confirming', async ({ app }) => {
  const { page } = app
  const paymentId = withSuffix('998')
  await expect(await enroll(page, { paymentId, phone: '08031234567' })).toHaveAttribute('data-outcome', 'unknown')
  await openHistory(page)
  await rows(page).filter({ hasText: paymentId }).click()
  await page.getByTestId('detail-retry').click()
  const dialog = page.getByTestId('retry-dialog')
  await expect(dialog.getByTestId('retry-risk')).toBeVisible()
  const send = dialog.getByRole('button', { name: 'Send retry' })
  await expect(send).toBeDisabled()
  await dialog.getByTestId('retry-confirm').check()
  await send.click()
  await expect(rows(page).filter({ hasText: paymentId })).toHaveCount(2)
  await expect(page.getByTestId('attempt-chain')).toContainText(/retry of #\d+/)
})

test('the Enroll view warns before sending for an already-enrolled payment id', async ({ app }) => {
  const { page } = app
  const paymentId = plainPaymentId()
  await expect(await enroll(page, { paymentId, phone: '08031234567' })).toHaveAttribute('data-outcome', 'enrolled')
  await fillEnrollForm(page, { paymentId, phone: '08031234567' })
  await page.getByRole('button', { name: 'Enroll card' }).click()
  const warning = page.getByTestId('precheck-warning')
  await expect(warning.getByTestId('precheck-risky')).toBeVisible()
  await expect(warning).toContainText(/enrolled/i)
  await warning.getByRole('button', { name: 'Cancel' }).click()
  await openHistory(page)
  await expect(rows(page).filter({ hasText: paymentId })).toHaveCount(1)
})

test('the status strip applies its filter', async ({ app }) => {
  const { page } = app
  await enroll(page, { paymentId: withSuffix('002'), phone: '08031234567' })
  await enroll(page, { paymentId: plainPaymentId(), phone: '08031234567' })
  await openHistory(page)
  const strip = page.getByTestId('status-strip')
  await expect(strip.getByTestId('strip-today')).toContainText('2')
  await strip.getByTestId('strip-top-code').click()
  await expect(page).toHaveURL(/code=-2/)
  await expect(rows(page)).toHaveCount(1)
})

test('every outcome appears in history with its badge, and a rejection explains itself', { tag: DOC_SCREENSHOT_TAG }, async ({ app }) => {
  const { page } = app
  const cases = [
    { paymentId: plainPaymentId(), phone: '0803 123 4567', outcome: 'enrolled' },
    { paymentId: withSuffix('403'), phone: '0805 222 3344', outcome: 'rejected' },
    { paymentId: withSuffix('002'), phone: '0703 555 0199', outcome: 'rejected' },
    { paymentId: withSuffix('034'), phone: '0813 400 1200', outcome: 'rejected' },
    { paymentId: withSuffix('500'), phone: '0909 010 2030', outcome: 'failed' },
    { paymentId: withSuffix('998'), phone: '0802 765 4321', outcome: 'unknown' },
    { paymentId: plainPaymentId(), phone: '0807 111 2222', outcome: 'enrolled' },
  ]
  for (const c of cases) await expect(await enroll(page, c)).toHaveAttribute('data-outcome', c.outcome)
  await openHistory(page)
  for (const c of cases) await expect(rows(page).filter({ hasText: c.paymentId })).toHaveAttribute('data-outcome', c.outcome)
  await rows(page).filter({ hasText: cases[1]!.paymentId }).click()
  await expect(page.getByTestId('attempt-detail')).toContainText('10403')
  await expect(page.getByTestId('attempt-detail')).toContainText(/already enrolled/)
  await docScreenshot(page, 'history')
  // The same view as it follows an operating system in dark mode.
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect(page.getByTestId('attempt-detail')).toContainText('10403')
  await docScreenshot(page, 'history-dark')
})
