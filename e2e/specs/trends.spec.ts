import type { Page } from '@playwright/test'
import { expect, test } from '../support/fixtures.ts'
import { enroll, openHistory, plainPaymentId } from '../support/ui.ts'

// The History trends chart follows the filters, and a click (or Enter) on a bar narrows the
// date filter to that day or hour: the address changes and the table lists that period only.

const bars = (page: Page) => page.getByTestId('trends').getByTestId('trends-bar')
const rows = (page: Page) => page.getByTestId('history-table').getByTestId('history-row')
const nonEmptyBars = (page: Page) => page.getByTestId('trends').locator('[data-testid="trends-bar"]:not([data-total="0"])')

/** Attempts counted by all the bars together. */
async function charted(page: Page): Promise<number> {
  const totals = await bars(page).evaluateAll((list) => list.map((b) => Number(b.getAttribute('data-total'))))
  return totals.reduce((a, b) => a + b, 0)
}

test('the trends chart follows the filters and a bar narrows the date filter to its day, then its hour', async ({ app }) => {
  const { page } = app
  const enrolled = plainPaymentId()
  const rejected = `${plainPaymentId().slice(0, -3)}403`
  await enroll(page, { paymentId: enrolled, phone: '08031234567' })
  await enroll(page, { paymentId: rejected, phone: '08031234567' })
  await openHistory(page)
  await page.getByRole('button', { name: '7 days', exact: true }).click()

  // Seven local days, the two attempts in today's bar, split by outcome.
  await expect(bars(page)).toHaveCount(7)
  await expect.poll(() => charted(page)).toBe(2)
  await expect(page.getByTestId('trends')).toContainText('Attempts per day')
  await expect(nonEmptyBars(page)).toHaveAttribute('aria-label', /2 attempts — 1 Enrolled, 1 Rejected/)
  await expect(page.getByTestId('trends-top-codes')).toContainText('10403 × 1')

  // The outcome filter: the chart counts the rejected attempt only.
  await page.getByRole('group', { name: 'Outcomes' }).getByText('Rejected').click()
  await expect.poll(() => charted(page)).toBe(1)
  await expect(nonEmptyBars(page)).toHaveAttribute('aria-label', /1 attempt — 1 Rejected$/)
  await expect(rows(page)).toHaveCount(1)

  // A click on the day: the date filter becomes that day, the chart shows its hours.
  const day = await nonEmptyBars(page).getAttribute('aria-label').then((label) => label?.slice(0, 10) ?? '')
  expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  await nonEmptyBars(page).click()
  await expect(page).toHaveURL(new RegExp(`from=${day}&to=${day}`))
  await expect(page.getByTestId('trends')).toContainText('Attempts per hour')
  expect(await bars(page).count()).toBeGreaterThanOrEqual(23)
  await expect.poll(() => charted(page)).toBe(1)
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first()).toContainText(rejected)

  // A click on the hour: narrowed to it, one bar, still the rejected attempt only.
  await nonEmptyBars(page).click()
  await expect(page).toHaveURL(/hour=\d{2}/)
  await expect(bars(page)).toHaveCount(1)
  await expect(page.getByTestId('trends')).toContainText(/Showing \d{2}:00–\d{2}:00 only/)
  await expect(rows(page)).toHaveCount(1)

  // Keyboard: back to seven days, Home then Enter on the oldest (empty) day lists nothing.
  await page.getByRole('button', { name: '7 days', exact: true }).click()
  await expect(bars(page)).toHaveCount(7)
  await bars(page).last().focus()
  await page.keyboard.press('Home')
  await expect(bars(page).first()).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/)
  await expect(page).not.toHaveURL(new RegExp(`from=${day}`))
  await expect(page.getByTestId('history-empty')).toBeVisible()
  await expect.poll(() => charted(page)).toBe(0)
})

test('trends say they ignore the search text, and offer their numbers as a table', async ({ app }) => {
  const { page } = app
  await enroll(page, { paymentId: plainPaymentId(), phone: '08031234567' })
  await openHistory(page)
  await expect.poll(() => charted(page)).toBe(1)
  await expect(page.getByTestId('trends-ignores-search')).toHaveCount(0)
  await page.getByLabel('Search').fill('0803')
  await page.getByLabel('Search').press('Enter')
  await expect(page.getByTestId('trends-ignores-search')).toBeVisible()
  await page.getByTestId('trends').getByText('Show as table').click()
  await expect(page.getByTestId('trends-table').getByRole('row')).toHaveCount(1 + (await bars(page).count()))
})
