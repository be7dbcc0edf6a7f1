import { expect, test } from '../support/fixtures.ts'
import { DOC_SCREENSHOT_TAG, docScreenshot } from '../support/docScreenshot.ts'
import { enroll, plainPaymentId } from '../support/ui.ts'

test('enroll succeeds in Training and shows in history', { tag: DOC_SCREENSHOT_TAG }, async ({ app }) => {
  const { page } = app
  const paymentId = plainPaymentId()
  await expect(page.getByText(/Training/).first()).toBeVisible()
  const result = await enroll(page, { paymentId, phone: '0803 123 4567', ref: `JB-${paymentId}-Enrol` })
  await expect(result).toHaveAttribute('data-outcome', 'enrolled')
  await expect(result).toContainText(paymentId)

  const row = page.getByTestId('history-row').filter({ hasText: paymentId })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText(/enrolled/i)
  await docScreenshot(page, 'enroll')
})

test('the value to be sent is shown while typing the phone number', async ({ app }) => {
  const { page } = app
  await page.getByLabel('Mobile phone').fill('+234 803 123 4567')
  await expect(page.getByText('2348031234567')).toBeVisible()
})

test('a second click while a request is in flight does not send twice', async ({ app }) => {
  const { page } = app
  const paymentId = `${plainPaymentId().slice(0, -3)}777` // the training server answers these after 1.5 s
  await page.getByLabel('Payment id').fill(paymentId)
  await page.getByLabel('Mobile phone').fill('08031234567')
  const button = page.getByRole('button', { name: /Enroll card|Checking|Sending/ })
  await button.click()
  await button.click({ force: true }).catch(() => {})
  await page.getByLabel('Payment id').press('Enter')
  await expect(page.getByTestId('enroll-result')).toHaveAttribute('data-outcome', 'enrolled', { timeout: 15_000 })
  await expect(page.getByTestId('history-row').filter({ hasText: paymentId })).toHaveCount(1)
})
