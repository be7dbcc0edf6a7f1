import { expect, test } from '../support/fixtures.ts'
import { enroll, plainPaymentId } from '../support/ui.ts'

test('history survives a restart of the main side', async ({ app }) => {
  const paymentId = plainPaymentId()
  await expect(await enroll(app.page, { paymentId, phone: '08031234567' })).toHaveAttribute('data-outcome', 'enrolled')
  await app.restart()
  await app.page.getByRole('link', { name: 'Enroll' }).click()
  await expect(app.page.getByTestId('history-row').filter({ hasText: paymentId })).toHaveCount(1)
})
