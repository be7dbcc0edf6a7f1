import type { Page } from '@playwright/test'
import { checkAxe } from '../support/axe.ts'
import { expect, test } from '../support/fixtures.ts'
import { enroll, openHistory, plainPaymentId } from '../support/ui.ts'

// axe-core on every view and the states an operator reaches: dialogs, popovers, the attempt
// details, dark mode and the small 1024×700 window. Zero violations everywhere.

async function noViolations(page: Page, state: string): Promise<void> {
  const violations = await checkAxe(page, state)
  expect(violations, `${state}: ${violations.map((v) => `${v.id} ${v.targets.join(', ')}`).join('; ')}`).toEqual([])
}

async function tourViews(page: Page, label: string): Promise<void> {
  await page.getByRole('link', { name: 'Enroll' }).click()
  await noViolations(page, `${label} enroll`)
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByLabel('Payment id')).toHaveAttribute('aria-invalid', 'true')
  await noViolations(page, `${label} enroll with field errors`)
  await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await noViolations(page, `${label} enroll result`)
  await enroll(page, { paymentId: `${plainPaymentId().slice(0, -3)}034`, phone: '0803 123 4567' })
  await noViolations(page, `${label} enroll busy result`)
  await openHistory(page)
  await noViolations(page, `${label} history`)
  await page.getByTestId('history-row').first().click()
  await expect(page.getByTestId('attempt-detail')).toBeVisible()
  await noViolations(page, `${label} history with details`)
  await page.getByTestId('export-button').click()
  await noViolations(page, `${label} export menu`)
  await page.keyboard.press('Escape')
  await page.getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByTestId('audit-verification')).toBeVisible()
  await noViolations(page, `${label} audit`)
  await page.getByRole('link', { name: 'Settings' }).click()
  await noViolations(page, `${label} settings`)
}

test('every view passes axe in light mode at 1280×820', async ({ app }) => {
  await tourViews(app.page, 'light')
})

test('every view passes axe in dark mode', async ({ app }) => {
  await app.page.emulateMedia({ colorScheme: 'dark' })
  await tourViews(app.page, 'dark')
})

test('every view passes axe at 1024×700', async ({ app }) => {
  await app.page.setViewportSize({ width: 1024, height: 700 })
  await tourViews(app.page, 'small')
})

test('the precheck warning and the retry dialog pass axe', async ({ app }) => {
  const { page } = app
  const paymentId = plainPaymentId()
  await enroll(page, { paymentId, phone: '0803 123 4567' })
  await page.getByLabel('Payment id').fill(paymentId)
  await page.getByLabel('Mobile phone').fill('0803 123 4567')
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await noViolations(page, 'precheck warning dialog')
  await page.getByRole('button', { name: 'Cancel' }).click()
  await openHistory(page)
  await page.getByTestId('history-row').first().click()
  await page.getByTestId('attempt-detail').getByRole('button', { name: /^Retry/ }).click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await noViolations(page, 'retry dialog')
  await page.emulateMedia({ colorScheme: 'dark' })
  await noViolations(page, 'retry dialog dark')
})
