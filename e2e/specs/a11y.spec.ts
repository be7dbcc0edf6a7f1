import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { checkAxe } from '../support/axe.ts'
import { expect, test } from '../support/fixtures.ts'
import { configureEnvironment, enroll, openHistory, plainPaymentId, switchEnvironment } from '../support/ui.ts'

// axe-core on every view and the states an operator reaches: dialogs, popovers, the attempt
// details, dark mode (prefers-color-scheme) and the small 1024×700 window. Zero violations.

// Many steps each (and axe is not quick on a loaded machine: the tour took over 5 min at load 23 on 2 cores).
test.describe.configure({ timeout: 600_000 })

async function noViolations(page: Page, state: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const violations = await checkAxe(page, `${state} (${colorScheme})`)
    expect(violations, `${state} (${colorScheme}): ${violations.map((v) => `${v.id} ${v.targets.join(', ')}`).join('; ')}`).toEqual([])
  }
}

test('every view passes axe, light and dark, at 1280×820 and 1024×700', async ({ app }) => {
  const { page } = app
  await noViolations(page, 'enroll')
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByLabel('Payment id')).toHaveAttribute('aria-invalid', 'true')
  await noViolations(page, 'enroll with field errors')
  await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await noViolations(page, 'enroll result')
  await enroll(page, { paymentId: `${plainPaymentId().slice(0, -3)}034`, phone: '0803 123 4567' })
  await noViolations(page, 'enroll busy result')
  await openHistory(page)
  await noViolations(page, 'history')
  await page.getByTestId('history-row').first().click()
  await expect(page.getByTestId('attempt-detail')).toBeVisible()
  await noViolations(page, 'history with details')
  await page.getByTestId('export-button').click()
  await noViolations(page, 'export menu')
  await page.keyboard.press('Escape')
  await page.getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByTestId('audit-verification')).toBeVisible()
  await noViolations(page, 'audit')
  await page.getByRole('link', { name: 'Settings' }).click()
  await noViolations(page, 'settings')
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
  await expect(page.getByTestId('shortcuts-dialog').getByRole('heading')).toBeVisible()
  await noViolations(page, 'shortcuts dialog')
  await page.keyboard.press('Escape')

  await page.setViewportSize({ width: 1024, height: 700 })
  await page.getByRole('link', { name: 'Enroll' }).click()
  await noViolations(page, 'small enroll')
  await openHistory(page)
  await page.getByTestId('history-row').first().click()
  await expect(page.getByTestId('attempt-detail')).toBeVisible()
  await noViolations(page, 'small history with details')
  await page.getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByTestId('audit-verification')).toBeVisible()
  await noViolations(page, 'small audit')
})

test('the team database settings, with a failed connection test, pass axe', async ({ app }) => {
  const { page } = app
  await page.getByRole('link', { name: 'Settings' }).click()
  const card = page.getByTestId('settings-team')
  await card.getByLabel('Host', { exact: true }).fill('127.0.0.1')
  await card.getByLabel('Port', { exact: true }).fill('1') // nothing listens there
  await card.getByLabel('Database', { exact: true }).fill('otp_team')
  await card.getByLabel('User', { exact: true }).fill('console')
  await noViolations(page, 'team settings, verify-full asks for the CA file')
  await card.getByLabel('TLS', { exact: true }).selectOption('disable')
  await card.getByRole('button', { name: 'Test connection' }).click()
  await expect(card.getByTestId('team-test-result')).toContainText('Nothing accepts connections at 127.0.0.1:1')
  await noViolations(page, 'team settings with a failed connection test')
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
})

test('the Bulk view passes axe: empty, mapping step, preview, a finished run, the Production confirmation', async ({ app, compatServer }) => {
  const { page } = app
  await page.getByRole('link', { name: 'Bulk' }).click()
  await expect(page.getByRole('heading', { name: 'Bulk enrollment' })).toBeVisible()
  await noViolations(page, 'bulk')

  const unknownHeaders = join(app.dataDir, 'odd-headers.csv')
  writeFileSync(unknownHeaders, `Card,Contact\r\n${plainPaymentId()},0803 123 4567\r\n`)
  await app.answerOpenDialog(unknownHeaders)
  await page.getByRole('button', { name: 'Choose CSV file…' }).click()
  await expect(page.getByTestId('bulk-mapping')).toBeVisible()
  await noViolations(page, 'bulk mapping step')
  await page.getByLabel('Column with the payment id').selectOption('Card')
  await page.getByLabel('Column with the mobile phone').selectOption('Contact')
  await page.getByRole('button', { name: 'Use these columns' }).click()
  await expect(page.getByTestId('bulk-preview')).toBeVisible()
  await noViolations(page, 'bulk preview')
  await page.getByTestId('bulk-start').click()
  await expect(page.getByTestId('bulk-run')).toHaveAttribute('data-state', 'finished')
  await noViolations(page, 'bulk finished run')

  await configureEnvironment(page, 'production', compatServer)
  await switchEnvironment(page, 'Production')
  await page.getByRole('link', { name: 'Bulk' }).click()
  await page.getByRole('button', { name: 'Another file…' }).click()
  const file = join(app.dataDir, 'production.csv')
  writeFileSync(file, `Payment Id,Mobile Phone\r\n${plainPaymentId()},0803 123 4567\r\n`)
  await app.answerOpenDialog(file)
  await page.getByRole('button', { name: 'Choose CSV file…' }).click()
  await expect(page.getByTestId('bulk-preview')).toBeVisible()
  await page.getByTestId('bulk-start').click()
  await expect(page.getByTestId('bulk-production-confirm').getByRole('heading')).toBeVisible()
  await noViolations(page, 'bulk production confirmation')
  await page.getByRole('button', { name: 'Cancel' }).click()
})
