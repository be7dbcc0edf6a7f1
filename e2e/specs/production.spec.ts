import { expect, test } from '../support/fixtures.ts'
import { fillEnrollForm, plainPaymentId, switchEnvironment } from '../support/ui.ts'

test('Production is unmistakable and every send needs the payment id typed again', async ({ app, compatServer }) => {
  const { page } = app
  await page.getByRole('link', { name: 'Settings' }).click()
  const production = page.getByTestId('settings-production')
  await production.getByLabel('Base URL').fill(compatServer.url)
  await production.getByLabel('Passport URL').fill(compatServer.url)
  await production.getByRole('button', { name: 'Save URLs' }).click()
  await production.getByLabel('Client id').fill(compatServer.credentials.clientId)
  await production.getByLabel('Client secret').fill(compatServer.credentials.clientSecret)
  await production.getByRole('button', { name: /Save credentials/ }).click()
  await expect(production).toContainText('Stored')

  await expect(page.getByTestId('production-banner')).toHaveCount(0)
  await switchEnvironment(page, 'Production')
  await expect(page.getByTestId('production-banner')).toBeVisible()

  const paymentId = plainPaymentId()
  await fillEnrollForm(page, { paymentId, phone: '08031234567' })
  await expect(page.getByTestId('production-banner')).toBeVisible()
  await page.getByRole('button', { name: 'Enroll card' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('enroll-result')).toHaveCount(0)
  await dialog.getByRole('textbox').fill(`${paymentId}9`)
  await expect(dialog.getByRole('button', { name: /Send to Production/ })).toBeDisabled()
  await dialog.getByRole('textbox').fill(paymentId)
  await dialog.getByRole('button', { name: /Send to Production/ }).click()
  await expect(page.getByTestId('enroll-result')).toHaveAttribute('data-outcome', 'enrolled')
})
