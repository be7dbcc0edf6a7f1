import { expect, test } from '../support/fixtures.ts'
import { enroll, plainPaymentId, switchEnvironment } from '../support/ui.ts'

test('credentials set in Settings are used for signing and never readable from the page', async ({ app, compatServer }) => {
  const { page } = app
  const { clientId, clientSecret } = compatServer.credentials
  await page.getByRole('link', { name: 'Settings' }).click()
  const custom = page.getByTestId('settings-custom')
  await custom.getByLabel('Base URL').fill(compatServer.url)
  await custom.getByLabel('Passport URL').fill(compatServer.url)
  await custom.getByRole('button', { name: 'Save URLs' }).click()
  await custom.getByLabel('Client id').fill(clientId)
  await custom.getByLabel('Client secret').fill(clientSecret)
  await custom.getByRole('button', { name: /Save credentials/ }).click()
  await expect(custom).toContainText('Stored')
  await expect(custom).toContainText(clientId)
  await expect(custom.getByLabel('Client secret')).toHaveValue('')

  // Nothing the page can reach holds the secret: not the DOM, not what the bridge answers.
  expect(await page.content()).not.toContain(clientSecret)
  const fromBridge = await page.evaluate(async () => JSON.stringify(await (window as unknown as { otp: { getEnvironments(): Promise<unknown> } }).otp.getEnvironments()))
  expect(fromBridge).toContain(clientId)
  expect(fromBridge).not.toContain(clientSecret)

  // The compatible server only accepts signatures made with this secret: enrolled proves use.
  await switchEnvironment(page, 'Custom')
  const paymentId = plainPaymentId()
  const result = await enroll(page, { paymentId, phone: '08031234567' })
  await expect(result).toHaveAttribute('data-outcome', 'enrolled')
  expect(await page.content()).not.toContain(clientSecret)

  await page.getByRole('link', { name: 'Settings' }).click()
  page.once('dialog', (dialog) => void dialog.accept())
  await custom.getByRole('button', { name: 'Delete credentials' }).click()
  const confirm = page.getByRole('dialog').getByRole('button', { name: /Delete/ })
  if (await confirm.isVisible().catch(() => false)) await confirm.click()
  await expect(custom).toContainText('Not set')
})

test('without credentials, sending to an environment says what is missing', async ({ app }) => {
  const { page } = app
  await switchEnvironment(page, 'Sandbox')
  await page.getByRole('link', { name: 'Enroll' }).click()
  await page.getByLabel('Payment id').fill(plainPaymentId())
  await page.getByLabel('Mobile phone').fill('08031234567')
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByText(/No client id and secret are stored for Sandbox/)).toBeVisible()
})
