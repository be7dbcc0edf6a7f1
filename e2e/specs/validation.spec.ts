import { expect, test } from '../support/fixtures.ts'
import { fillEnrollForm, plainPaymentId } from '../support/ui.ts'

test('invalid input is refused before anything is sent', async ({ app }) => {
  const { page } = app
  const before = await page.getByTestId('history-row').count()
  await fillEnrollForm(page, { paymentId: '12AB', phone: '0803 12' })
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByLabel('Payment id')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByLabel('Mobile phone')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByText('The payment id is digits only.')).toBeVisible()
  await expect(page.getByTestId('enroll-result')).toHaveCount(0)
  await expect(page.getByTestId('history-row')).toHaveCount(before)
})

test('a foreign number is refused with a clear message', async ({ app }) => {
  const { page } = app
  await fillEnrollForm(page, { paymentId: plainPaymentId(), phone: '+44 20 7946 0958' })
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByText(/Only Nigerian numbers/)).toBeVisible()
  await expect(page.getByTestId('enroll-result')).toHaveCount(0)
})
