import type { Page } from '@playwright/test'
import { expect, test } from '../support/fixtures.ts'
import { enroll, fillEnrollForm, openHistory, plainPaymentId, switchEnvironment } from '../support/ui.ts'

// A long day at the desk: the window never scrolls, one toast at most, results belong to their
// environment, an attempt in flight shows as Sending, focus lands where the work continues.

// Many steps each (and axe is not quick on a loaded machine).
test.describe.configure({ timeout: 240_000 })

const withSuffix = (suffix: string) => `${plainPaymentId().slice(0, -3)}${suffix}`
const rows = (page: Page) => page.getByTestId('history-table').getByTestId('history-row')

async function windowScrolls(page: Page): Promise<{ scroll: number; viewport: number; scrollWidth: number; width: number }> {
  return page.evaluate(() => ({
    scroll: document.scrollingElement!.scrollHeight,
    viewport: window.innerHeight,
    scrollWidth: document.scrollingElement!.scrollWidth,
    width: window.innerWidth,
  }))
}

async function expectWindowFits(page: Page): Promise<void> {
  const m = await windowScrolls(page)
  expect(m.scroll, 'window scroll height').toBe(m.viewport)
  expect(m.scrollWidth, 'window scroll width').toBe(m.width)
}

test('the window never scrolls: with details open, at 1280×820 and 1024×700', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 3; i++) await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await enroll(page, { paymentId: withSuffix('403'), phone: '0803 123 4567' })
  await expectWindowFits(page)
  await openHistory(page)
  await rows(page).first().click()
  await expect(page.getByTestId('attempt-detail').getByTestId('detail-retry')).toBeVisible()
  await expectWindowFits(page)

  await page.setViewportSize({ width: 1024, height: 700 })
  await expectWindowFits(page)
  const detail = page.getByTestId('attempt-detail')
  // The outcome reads in full and Retry is on screen.
  const badge = detail.locator('.outcome-badge').first()
  await expect(badge).toHaveText('Rejected')
  expect(await badge.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= window.innerWidth)).toBe(true)
  await expect(detail.getByTestId('detail-retry')).toBeInViewport()
  // History's columns fit without horizontal scrolling.
  const grid = page.getByTestId('history-table')
  expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
  await page.getByTestId('detail-close').click()
  expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
  await expectWindowFits(page)

  // Audit: every column reachable at 1024×700.
  await page.getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByTestId('audit-verification')).toBeVisible()
  await expectWindowFits(page)
  for (const name of ['Summary', 'Details']) {
    const header = page.getByRole('columnheader', { name })
    await header.scrollIntoViewIfNeeded()
    await expect(header).toBeInViewport()
  }
  await page.getByRole('link', { name: 'Enroll' }).click()
  await expectWindowFits(page)
  await page.getByRole('link', { name: 'Settings' }).click()
  await expectWindowFits(page)
})

test('results and errors belong to their environment; one toast at a time, in the top bar, announced', async ({ app, compatServer }) => {
  const { page } = app
  await expect(page.getByLabel('Payment id')).toBeFocused() // where the work starts
  await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await switchEnvironment(page, 'Sandbox')
  await expect(page.getByTestId('enroll-result')).toHaveCount(0)
  await fillEnrollForm(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByTestId('enroll-error')).toContainText('Sandbox')
  await switchEnvironment(page, 'Custom')
  await expect(page.getByTestId('enroll-error')).toHaveCount(0)
  await expect(page.locator('main')).not.toContainText('Sandbox')

  // Settings: two saves in a row leave one toast, in the top bar (never over the work), in a
  // polite live region; focus goes to what was saved, not to the page body.
  await page.getByRole('link', { name: 'Settings' }).click()
  const card = page.getByTestId('settings-custom')
  await card.getByLabel('Base URL').fill(compatServer.url)
  await card.getByLabel('Passport URL').fill(compatServer.url)
  await card.getByRole('button', { name: 'Save URLs' }).click()
  await expect(page.getByTestId('urls-saved-custom')).toBeFocused()
  await card.getByLabel('Client id').fill(compatServer.credentials.clientId)
  await card.getByLabel('Client secret').fill(compatServer.credentials.clientSecret)
  await card.getByRole('button', { name: 'Save credentials' }).click()
  await expect(page.getByTestId('credentials-status-custom')).toBeFocused()
  await expect(page.getByTestId('toast')).toHaveCount(1)
  await expect(page.getByTestId('toast')).toContainText('credentials saved')
  await expect(page.getByTestId('toast-host')).toHaveAttribute('aria-live', 'polite')
  const toast = await page.getByTestId('toast').boundingBox()
  const topbar = await page.locator('.topbar').boundingBox()
  expect(toast && topbar && toast.y >= topbar.y && toast.y + toast.height <= topbar.y + topbar.height).toBe(true)
})

test('an attempt in flight shows as Sending with its elapsed time, cannot be edited, and History says so', async ({ app }) => {
  const { page } = app
  const slow = withSuffix('777') // the training server answers these after 1.5 s
  await fillEnrollForm(page, { paymentId: slow, phone: '0803 123 4567' })
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByTestId('sending-status')).toContainText('Sending to Training')
  await expect(page.getByTestId('sending-elapsed')).toHaveText(/^\d+ s$/)
  await expect(page.getByLabel('Payment id')).not.toBeEditable()
  await expect(page.getByLabel('Environment')).toBeDisabled()
  await expect(page.getByTestId('enroll-result')).toHaveAttribute('data-outcome', 'enrolled', { timeout: 15_000 })
  await expect(page.getByLabel('Payment id')).toBeEditable()

  await fillEnrollForm(page, { paymentId: withSuffix('777'), phone: '0803 123 4567' })
  await page.getByRole('button', { name: 'Enroll card' }).click()
  await expect(page.getByTestId('sending-status')).toBeVisible()
  await page.getByRole('link', { name: 'History' }).click()
  await expect(rows(page).first().locator('.outcome-badge')).toHaveAttribute('data-look', 'sending')
  await expect(rows(page).first().locator('.outcome-badge')).toHaveText('Sending')
  // Once answered, a refresh shows the outcome.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect(rows(page).first().locator('.outcome-badge')).toHaveAttribute('data-look', 'enrolled', { timeout: 1_000 })
  }).toPass({ timeout: 15_000 })
})

test('focus goes where the work continues: details, a retry, an export', async ({ app }) => {
  const { page } = app
  const result = await enroll(page, { paymentId: withSuffix('998'), phone: '0803 123 4567' }) // unknown outcome
  await result.getByRole('link', { name: 'Open attempt details' }).click()
  const detail = page.getByTestId('attempt-detail')
  await expect(detail).toBeFocused()

  await detail.getByTestId('detail-retry').click()
  const dialog = page.getByTestId('retry-dialog')
  await dialog.getByTestId('retry-confirm').check()
  await dialog.getByRole('button', { name: 'Send retry' }).click()
  await expect(dialog).toBeHidden()
  await expect(detail).toHaveAttribute('data-attempt-id', /\d+/)
  await expect(detail).toBeFocused()
  await expect(page.getByTestId('toast')).toHaveCount(1)

  const file = `${app.dataDir}/all.csv`
  await app.answerSaveDialog(file)
  await page.getByTestId('export-button').click()
  await page.getByRole('button', { name: 'CSV' }).click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Exported 2 attempts' })).toBeVisible()
  await expect(page.getByTestId('export-button')).toBeFocused()
})

test('an invalid date range lists nothing, an export that matches nothing is refused, dates are ISO and local', async ({ app }) => {
  const { page } = app
  await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await openHistory(page)
  await expect(rows(page)).toHaveCount(1)
  await page.getByRole('button', { name: 'Custom' }).click()
  const from = page.getByLabel('From')
  await expect(from).toHaveAttribute('placeholder', 'yyyy-mm-dd')
  await from.fill('2026-12-31')
  await from.press('Enter')
  await page.getByLabel('To', { exact: true }).fill('2026-01-01')
  await page.getByLabel('To', { exact: true }).press('Enter')
  await expect(page.getByRole('alert').filter({ hasText: /date|range|before|after/i })).toBeVisible()
  await expect(rows(page)).toHaveCount(0)
  await expect(page.getByTestId('history-empty')).toContainText('date range')
  await page.getByTestId('export-button').click()
  await expect(page.getByTestId('export-nothing')).toBeVisible()
  await expect(page.getByRole('button', { name: 'CSV' })).toBeDisabled()
  await page.keyboard.press('Escape')

  await page.getByRole('button', { name: 'Any time' }).click()
  await expect(rows(page)).toHaveCount(1)
  await page.getByLabel('Search').fill('no-such-payment')
  await page.getByLabel('Search').press('Enter')
  await expect(page.getByTestId('history-empty')).toBeVisible()
  await page.getByTestId('export-button').click()
  await expect(page.getByRole('button', { name: 'CSV' })).toBeDisabled()
  await page.keyboard.press('Escape')

  // The details' times read like their header: local, no UTC "Z".
  await page.getByRole('button', { name: 'Clear filters' }).first().click()
  await rows(page).first().click()
  const overview = page.getByTestId('attempt-detail')
  await expect(overview).toContainText(/Started\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/)
  await expect(overview).not.toContainText(/\d{2}:\d{2}:\d{2}\.\d{3}Z/)
})

test('a busy code looks retryable, the 500 text appears once, references never repeat', async ({ app }) => {
  const { page } = app
  const busyId = withSuffix('034')
  const busy = await enroll(page, { paymentId: busyId, phone: '0803 123 4567' })
  await expect(busy).toHaveAttribute('data-outcome', 'rejected') // stored as it is
  await expect(busy).toContainText('Busy')
  await expect(busy).toHaveClass(/is-busy/)
  const serverError = await enroll(page, { paymentId: withSuffix('500'), phone: '0803 123 4567' })
  await expect(serverError.getByText('The server had a problem (500).')).toHaveCount(1)

  const a = await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  const refA = await a.locator('code').first().textContent()
  const b = await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  const refB = await b.locator('code').first().textContent()
  expect(refA).toMatch(/^JB-\d+-Enrol$/)
  expect(refB).not.toBe(refA)

  await openHistory(page)
  await expect(rows(page).filter({ hasText: busyId }).locator('.outcome-badge')).toHaveText('Busy, retry later')
})

test('keyboard shortcuts: new enrollment, send, search, next and previous attempt, close, help', async ({ app }) => {
  const { page } = app
  await page.getByRole('link', { name: 'History' }).click()
  await page.keyboard.press('Control+Shift+E')
  await expect(page.getByLabel('Payment id')).toBeFocused()
  await page.keyboard.type(plainPaymentId())
  await page.keyboard.press('Tab')
  await page.keyboard.type('0803 123 4567')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('enroll-result')).toHaveAttribute('data-outcome', 'enrolled')
  await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })

  await page.keyboard.press('Control+f')
  await expect(page.getByLabel('Search')).toBeFocused()
  await page.keyboard.type('jk') // plain letters while typing are text, not shortcuts
  await expect(page.getByLabel('Search')).toHaveValue('jk')
  await expect(page.getByTestId('attempt-detail')).toHaveCount(0)
  await page.getByLabel('Search').fill('')
  await page.getByLabel('Search').press('Enter')
  await expect(rows(page)).toHaveCount(2)
  await page.getByRole('heading', { name: 'History' }).focus()
  await page.keyboard.press('j')
  const detail = page.getByTestId('attempt-detail')
  const first = await rows(page).nth(0).getAttribute('data-attempt-id')
  const second = await rows(page).nth(1).getAttribute('data-attempt-id')
  await expect(detail).toHaveAttribute('data-attempt-id', first!)
  await page.keyboard.press('j')
  await expect(detail).toHaveAttribute('data-attempt-id', second!)
  await page.keyboard.press('k')
  await expect(detail).toHaveAttribute('data-attempt-id', first!)
  await page.keyboard.press('Escape')
  await expect(detail).toHaveCount(0)

  await page.keyboard.press('F1')
  const help = page.getByTestId('shortcuts-dialog')
  await expect(help.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeVisible()
  for (const action of ['send', 'new-enrollment', 'focus-search', 'next-attempt', 'previous-attempt', 'close-panel']) await expect(help.locator(`tr[data-action="${action}"]`)).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(help.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeHidden()
})
