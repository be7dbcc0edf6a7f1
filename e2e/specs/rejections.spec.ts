import { ERROR_CODES } from '../../src/shared/domain/errorCodes.ts'
import { expect, test } from '../support/fixtures.ts'
import { enroll, fillEnrollForm, plainPaymentId } from '../support/ui.ts'

const withSuffix = (suffix: string) => `${plainPaymentId().slice(0, -3)}${suffix}`

for (const { suffix, code } of [
  { suffix: '403', code: '10403' },
  { suffix: '002', code: '-2' },
  { suffix: '034', code: 'E34' },
]) {
  test(`rejection ${code} shows the code, the API's message and a plain explanation`, async ({ app }) => {
    const result = await enroll(app.page, { paymentId: withSuffix(suffix), phone: '08031234567' })
    await expect(result).toHaveAttribute('data-outcome', 'rejected')
    const explained = ERROR_CODES.get(code)
    await expect(result).toContainText(code)
    await expect(result).toContainText(explained?.meaning ?? 'missing explanation')
    await expect(result).toContainText(explained?.nextStep ?? 'missing next step')
  })
}

test('a second enrollment of the same payment is rejected with 10403', async ({ app }) => {
  const paymentId = plainPaymentId()
  await expect(await enroll(app.page, { paymentId, phone: '08031234567' })).toHaveAttribute('data-outcome', 'enrolled')
  await fillEnrollForm(app.page, { paymentId, phone: '08031234567' })
  await app.page.getByRole('button', { name: 'Enroll card' }).click()
  // The Enroll view warns first (already enrolled); the operator sends anyway.
  await expect(app.page.getByText(/already/i).first()).toBeVisible()
  await app.page.getByRole('button', { name: 'Send anyway' }).click()
  const second = app.page.getByTestId('enroll-result')
  await expect(second).toHaveAttribute('data-outcome', 'rejected')
  await expect(second).toContainText('10403')
})

test('a lost connection after sending is reported as outcome unknown, not retried', async ({ app }) => {
  const paymentId = withSuffix('998')
  const result = await enroll(app.page, { paymentId, phone: '08031234567' })
  await expect(result).toHaveAttribute('data-outcome', 'unknown')
  await expect(app.page.getByTestId('history-row').filter({ hasText: paymentId })).toHaveCount(1)
})

test('an HTTP failure is explained', async ({ app }) => {
  const result = await enroll(app.page, { paymentId: withSuffix('500'), phone: '08031234567' })
  await expect(result).toHaveAttribute('data-outcome', 'failed')
  await expect(result).toContainText('500')
})
