import { expect, test } from '../support/fixtures.ts'
import { plainPaymentId } from '../support/ui.ts'

test('the whole enroll flow works from the keyboard alone', async ({ app }) => {
  const { page } = app
  const paymentId = plainPaymentId()
  // Tab from the top of the page until the payment id field has focus.
  await page.locator('body').focus()
  for (let i = 0; i < 30; i++) {
    if (await page.getByLabel('Payment id').evaluate((el) => el === document.activeElement)) break
    await page.keyboard.press('Tab')
  }
  await expect(page.getByLabel('Payment id')).toBeFocused()
  await page.keyboard.type(paymentId)
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Mobile phone')).toBeFocused()
  await page.keyboard.type('0803 123 4567')
  await page.keyboard.press('Enter')
  const result = page.getByTestId('enroll-result')
  await expect(result).toHaveAttribute('data-outcome', 'enrolled')
  await expect(result).toBeFocused()
})
