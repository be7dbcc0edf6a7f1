import type { Page } from '@playwright/test'
import { expect } from './fixtures.ts'

// Small UI steps shared by the specs. They act as an operator would: labels, buttons, text.

let counter = 0
/** A payment id no training rule reacts to (rules key on the last three digits). */
export function plainPaymentId(): string {
  counter += 1
  return `${Date.now() % 1_000_000}${String(counter).padStart(2, '0')}1`
}

export async function fillEnrollForm(page: Page, values: { paymentId: string; phone: string; ref?: string }): Promise<void> {
  await page.getByRole('link', { name: 'Enroll' }).click()
  await page.getByLabel('Payment id').fill(values.paymentId)
  await page.getByLabel('Mobile phone').fill(values.phone)
  if (values.ref !== undefined) await page.getByLabel('Transaction reference').fill(values.ref)
}

export async function enroll(page: Page, values: { paymentId: string; phone: string; ref?: string }) {
  await fillEnrollForm(page, values)
  await page.getByRole('button', { name: 'Enroll card' }).click()
  const result = page.getByTestId('enroll-result')
  await expect(result).toBeVisible()
  await expect(result).not.toHaveAttribute('data-outcome', '')
  return result
}

/** Switches the active environment and waits until the app has applied it (main answered). */
export async function switchEnvironment(page: Page, label: string): Promise<void> {
  const select = page.getByLabel('Environment')
  await select.selectOption({ label })
  const id = await select.inputValue()
  await expect(page.locator('.env-switcher')).toHaveClass(new RegExp(`\\benv-${id}\\b`))
  await expect(select).toBeEnabled()
}

export async function openHistory(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'History' }).click()
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible()
}

/** Stores credentials for an environment through Settings and points it at a server. */
export async function configureEnvironment(page: Page, id: 'custom' | 'production' | 'sandbox', server: { url: string; credentials: { clientId: string; clientSecret: string } }) {
  await page.getByRole('link', { name: 'Settings' }).click()
  const card = page.getByTestId(`settings-${id}`)
  await card.getByLabel('Base URL').fill(server.url)
  await card.getByLabel('Passport URL').fill(server.url)
  await card.getByRole('button', { name: 'Save URLs' }).click()
  await card.getByLabel('Client id').fill(server.credentials.clientId)
  await card.getByLabel('Client secret').fill(server.credentials.clientSecret)
  await card.getByRole('button', { name: /Save credentials|Replace credentials/ }).click()
  await expect(card).toContainText('Stored')
}
