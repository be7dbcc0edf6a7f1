import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { E2E_CREDENTIALS } from '../support/constants.ts'
import { expect, test } from '../support/fixtures.ts'
import { DOC_SCREENSHOT_TAG, docScreenshot } from '../support/docScreenshot.ts'
import { configureEnvironment, enroll, openHistory, plainPaymentId } from '../support/ui.ts'

test('export the filtered history to CSV through the save dialog', async ({ app }) => {
  const { page } = app
  const rejected = `${plainPaymentId().slice(0, -3)}403`
  await enroll(page, { paymentId: rejected, phone: '0803 123 4567' })
  await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await openHistory(page)
  await page.getByRole('group', { name: 'Outcomes' }).getByText('Rejected').click()
  await expect(page.getByTestId('history-table').getByTestId('history-row')).toHaveCount(1)

  const file = join(app.dataDir, 'rejected.csv')
  await app.answerSaveDialog(file)
  await page.getByTestId('export-button').click()
  await page.getByRole('button', { name: 'CSV' }).click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Exported 1 attempt' })).toBeVisible()

  const text = readFileSync(file, 'utf8')
  expect(text.charCodeAt(0)).toBe(0xfeff) // BOM: Excel reads it as UTF-8
  const records = parse(text.slice(1), { columns: true }) as Record<string, string>[]
  expect(records).toHaveLength(1)
  expect(records[0]).toMatchObject({ payment_id: rejected, outcome: 'rejected', error_codes: '10403', phone: '234803****567' })
})

test('the Audit view shows a credential change without its value', { tag: DOC_SCREENSHOT_TAG }, async ({ app, compatServer }) => {
  const { page } = app
  await configureEnvironment(page, 'custom', compatServer)
  await page.getByRole('link', { name: 'Audit' }).click()
  const row = page.getByTestId('audit-row').filter({ hasText: /credentials/i }).first()
  await expect(row).toContainText(E2E_CREDENTIALS.clientId)
  await expect(page.getByTestId('audit-verification')).toHaveAttribute('data-ok', 'true')
  expect(await page.content()).not.toContain(E2E_CREDENTIALS.clientSecret)
  await docScreenshot(page, 'audit')
})

test('export the audit trail from the Audit view: attempt and outcome entries, after a verification', async ({ app }) => {
  const { page } = app
  await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await page.getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByTestId('audit-verification')).toHaveAttribute('data-ok', 'true')
  await expect(page.getByTestId('audit-verification')).toContainText('against the head kept in the OS keychain')

  const file = join(app.dataDir, 'audit.jsonl')
  await app.answerSaveDialog(file)
  await page.getByTestId('audit-export').click()
  await expect(page.getByTestId('toast').filter({ hasText: /Exported \d+ audit entries/ })).toBeVisible()

  const [header, ...entries] = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action?: string; verification?: { ok: boolean } })
  expect(header).toMatchObject({ format: 'otp-console-audit-export', verification: { ok: true } })
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['audit.keyed', 'enroll.attempt', 'enroll.outcome']))
})
