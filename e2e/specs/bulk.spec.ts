import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { parse } from 'csv-parse/sync'
import { startTrainingServer, type TrainingServer } from '../../src/core/simulator/trainingServer.ts'
import { E2E_CREDENTIALS } from '../support/constants.ts'
import { DOC_SCREENSHOT_TAG, docScreenshot } from '../support/docScreenshot.ts'
import { expect, recordSignature, recordToken, test as base } from '../support/fixtures.ts'
import { configureEnvironment, plainPaymentId, switchEnvironment } from '../support/ui.ts'

// Bulk enrollment from a file, as an operator does it: the file is picked in the OS dialog
// (stubbed at that boundary only), previewed, sent at a low rate so that it can be paused and
// resumed, and exported. A restart of the main side in the middle of a run offers to resume,
// and the server (outliving the restart) receives every payment id exactly once.

/** An Interswitch-compatible server in the test process that counts what it received. */
interface CountingServer {
  url: string
  credentials: typeof E2E_CREDENTIALS
  /** Enrollment requests received. */
  enrollRequests(): number
  /** How many enrollment requests each payment id came in. */
  received: Map<string, number>
}

/** A payment id the training server answers after 1.5 s (rule …777): a run of them is still going when the test acts. */
const slowPaymentId = () => `${plainPaymentId()}777`

const test = base.extend<{ countingServer: CountingServer }>({
  countingServer: async ({}, use) => {
    const received = new Map<string, number>()
    const server: TrainingServer = await startTrainingServer({
      credentials: [E2E_CREDENTIALS],
      onTokenIssued: recordToken,
      onSignatureReceived: recordSignature,
      onEnrollmentRequest: ({ paymentId }) => void received.set(paymentId, (received.get(paymentId) ?? 0) + 1),
    })
    const enrollRequests = () => [...received.values()].reduce((sum, n) => sum + n, 0)
    await use({ url: server.url, credentials: E2E_CREDENTIALS, enrollRequests, received })
    await server.close()
  },
})

test.describe.configure({ timeout: 180_000 })

/** A CSV as Excel saves it (semicolons, CRLF, BOM) with `ids.length` good rows, one invalid row and a duplicate. */
function writeCsv(dir: string, name: string, ids: string[]): string {
  const lines = ['Payment Id;Mobile Phone;Transaction Ref', ...ids.map((id, i) => `${id};0803 123 ${String(4500 + i)};JB-E2E-${i + 1}`)]
  lines.push(`${plainPaymentId()};12345;JB-E2E-BAD`, `${ids[0]};0803 123 4500;JB-E2E-DUP`)
  const path = join(dir, name)
  writeFileSync(path, `\uFEFF${lines.join('\r\n')}\r\n`)
  return path
}

async function openBulk(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Bulk' }).click()
  await expect(page.getByRole('heading', { name: 'Bulk enrollment' })).toBeVisible()
}

async function pickAndPreview(app: { page: Page; answerOpenDialog(path: string): Promise<void> }, file: string, requests: number): Promise<void> {
  const { page } = app
  await openBulk(page)
  await app.answerOpenDialog(file)
  await page.getByRole('button', { name: 'Choose CSV file…' }).click()
  await expect(page.getByTestId('bulk-requests')).toHaveAttribute('data-requests', String(requests))
}

const runState = (page: Page) => page.getByTestId('bulk-run')
const outcomeCount = (page: Page, outcome: string) => page.getByTestId('bulk-outcome-counts').locator(`[data-outcome="${outcome}"] .count-value`)

test('a file is previewed, sent, paused, resumed, finished and exported', { tag: DOC_SCREENSHOT_TAG }, async ({ app }) => {
  const { page } = app
  const ids = Array.from({ length: 6 }, () => slowPaymentId())
  const file = writeCsv(app.dataDir, 'branch-cards.csv', ids)
  // The view's shortcut, like Ctrl+Shift+E for Enroll.
  await page.keyboard.press('Control+Shift+B')
  await expect(page.getByRole('heading', { name: 'Bulk enrollment' })).toBeFocused()
  await pickAndPreview(app, file, 6)

  await expect(page.locator('[data-testid="bulk-category-count"][data-category="ready"]')).toContainText('6')
  await expect(page.locator('[data-testid="bulk-category-count"][data-category="invalid"]')).toContainText('1')
  await expect(page.locator('[data-testid="bulk-category-count"][data-category="duplicate-in-file"]')).toContainText('1')
  // The phone as it will be sent, masked.
  await expect(page.getByTestId('bulk-preview-row').first()).toContainText('234803****500')
  await docScreenshot(page, 'bulk')

  await page.getByLabel('Requests at a time').fill('2')
  await page.getByLabel('Requests per second at most').fill('4')
  await page.getByTestId('bulk-start').click()
  await expect(runState(page)).toHaveAttribute('data-state', 'running')

  // Each answer takes 1.5 s: the run is still going.
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(runState(page)).toHaveAttribute('data-state', 'paused')
  const sentAtPause = Number(await outcomeCount(page, 'enrolled').textContent())
  expect(sentAtPause).toBeLessThan(6)
  await page.waitForTimeout(1_500)
  // Paused: nothing new starts.
  await expect(outcomeCount(page, 'enrolled')).toHaveText(String(sentAtPause))

  await page.getByRole('button', { name: 'Resume' }).click()
  await expect(runState(page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 })
  await expect(outcomeCount(page, 'enrolled')).toHaveText('6')
  await expect(outcomeCount(page, 'skipped')).toHaveText('2')

  const out = join(app.dataDir, 'run-export.csv')
  await app.answerSaveDialog(out)
  await page.getByTestId('bulk-export').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Exported 8 rows' })).toBeVisible()
  expect(existsSync(out)).toBe(true)
  const text = readFileSync(out, 'utf8')
  const records = parse(text.replace(/^\uFEFF/, ''), { columns: true, delimiter: [',', ';'] }) as Record<string, string>[]
  expect(records).toHaveLength(8)
  expect(text).toContain('234803****500')
  expect(text).not.toContain('2348031234500')

  // History by run: the filter shows, and clears.
  await page.getByTestId('bulk-show-history').click()
  await expect(page.getByTestId('history-row')).toHaveCount(6)
  await page.getByRole('button', { name: /Remove run filter/ }).click()
  await expect(page).not.toHaveURL(/runId=/)
})

test('a restart of the main side mid-run offers to resume, and the run completes without resending', async ({ app, countingServer }) => {
  const { page } = app
  await configureEnvironment(page, 'custom', countingServer)
  await switchEnvironment(page, 'Custom')
  const ids = Array.from({ length: 8 }, () => slowPaymentId())
  const file = writeCsv(app.dataDir, 'restart-cards.csv', ids)
  await pickAndPreview(app, file, 8)
  await page.getByLabel('Requests at a time').fill('2')
  await page.getByTestId('bulk-start').click()
  await expect(runState(page)).toHaveAttribute('data-state', 'running')
  // Requests out (each answered after 1.5 s): the restart lets them finish and starts nothing new.
  await expect.poll(() => countingServer.enrollRequests(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1)

  await app.restart()
  await openBulk(page)
  const offer = app.page.getByTestId('bulk-resume-offer')
  await expect(offer).toBeVisible()
  const before = countingServer.enrollRequests()
  expect(before).toBeLessThan(8)
  await offer.getByRole('button', { name: /^Resume run/ }).click()
  await expect(runState(app.page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 })

  // Every row reached the server exactly once: none was sent again after the restart.
  expect(countingServer.enrollRequests()).toBe(8)
  expect(new Set(countingServer.received.keys())).toEqual(new Set(ids))
  expect([...countingServer.received.values()].every((n) => n === 1)).toBe(true)
  const enrolledRows = Number(await outcomeCount(app.page, 'enrolled').textContent())
  const unknownRows = Number(await outcomeCount(app.page, 'unknown').textContent())
  expect(enrolledRows + unknownRows).toBe(8)
})

test('rows with an unknown outcome are listed to check, and failed rows are retried only after main’s confirmation', async ({ app }) => {
  const { page } = app
  const base = plainPaymentId().slice(0, -3)
  const dropped = `${base}998` // training rule: the connection drops after the request: unknown
  const busy = `${base.slice(0, -1)}7034` // training rule: E34 "System busy", a wait-and-retry rejection
  const path = join(app.dataDir, 'mixed.csv')
  writeFileSync(path, `Payment Id,Mobile Phone\n${plainPaymentId()},08031234567\n${dropped},08031234567\n${busy},08031234567\n`)
  await pickAndPreview(app, path, 3)
  await page.getByTestId('bulk-start').click()
  await expect(runState(page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 })
  await expect(outcomeCount(page, 'unknown')).toHaveText('1')
  await expect(outcomeCount(page, 'rejected')).toHaveText('1')
  await expect(page.getByTestId('bulk-unknown-rows')).toContainText(dropped)

  // Cancel in the native dialog: nothing is sent.
  await app.answerConfirmation(false)
  await page.getByTestId('bulk-retry').click()
  await expect.poll(async () => (await app.confirmationsShown()).length).toBe(1)
  await expect(runState(page)).toHaveAttribute('data-state', 'finished')
  expect((await app.confirmationsShown())[0]).toMatch(/Send the 1 failed row of bulk run #\d+ again/)

  await app.answerConfirmation(true)
  await page.getByTestId('bulk-retry').click()
  await expect(page.getByTestId('bulk-run')).toContainText('retry of run')
  await expect(runState(page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 })
  // Only the busy row went again; the unknown one is never re-sent automatically.
  await expect(outcomeCount(page, 'rejected')).toHaveText('1')
  await expect(outcomeCount(page, 'unknown')).toHaveText('0')
  await expect(outcomeCount(page, 'enrolled')).toHaveText('0')
})
