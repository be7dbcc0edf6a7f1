import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Page } from '@playwright/test'
import { startTrainingServer, type TrainingServer } from '../../src/core/simulator/trainingServer.ts'
import { E2E_CREDENTIALS, ISSUED_TOKENS_FILE } from '../support/constants.ts'
import { expect, test } from '../support/fixtures.ts'
import { configureEnvironment, enroll, fillEnrollForm, plainPaymentId, switchEnvironment } from '../support/ui.ts'

// Credentials go only where they were entered for. Two loopback servers count every request;
// the native confirmation is stubbed at the OS-dialog boundary only (the driver's host).

const recordToken = (token: string) => {
  mkdirSync(dirname(ISSUED_TOKENS_FILE), { recursive: true })
  appendFileSync(ISSUED_TOKENS_FILE, `${token}\n`)
}

async function countingServer(): Promise<TrainingServer & { requests: () => number }> {
  let n = 0
  const server = await startTrainingServer({ credentials: [E2E_CREDENTIALS], onRequest: () => void n++, onTokenIssued: recordToken })
  return Object.assign(server, { requests: () => n })
}

// Several sends, a restart and two servers per scenario: more than the default minute under load.
test.describe.configure({ timeout: 150_000 })

async function refusedSend(page: Page) {
  await fillEnrollForm(page, { paymentId: plainPaymentId(), phone: '08031234567' })
  await page.getByRole('button', { name: 'Enroll card' }).click()
  const error = page.getByTestId('enroll-error')
  await expect(error).toHaveAttribute('data-error-code', 'destination-changed')
  return error
}

test('a passport URL changed in settings.json behind the app\'s back: nothing is sent until the operator confirms in the native dialog', async ({ app }) => {
  const api = await countingServer()
  const elsewhere = await countingServer()
  try {
    await configureEnvironment(app.page, 'custom', { url: api.url, credentials: E2E_CREDENTIALS })
    await switchEnvironment(app.page, 'Custom')
    await expect(await enroll(app.page, { paymentId: plainPaymentId(), phone: '08031234567' })).toHaveAttribute('data-outcome', 'enrolled')

    const path = join(app.dataDir, 'settings.json')
    const settings = JSON.parse(readFileSync(path, 'utf8')) as { endpoints: { custom: { passportUrl: string } } }
    settings.endpoints.custom.passportUrl = elsewhere.url
    writeFileSync(path, JSON.stringify(settings))
    await app.restart()

    const sent = { api: api.requests(), elsewhere: elsewhere.requests() }
    const error = await refusedSend(app.page)
    await expect(error).toContainText('Nothing was sent')
    await expect(error).toContainText(elsewhere.url)
    expect({ api: api.requests(), elsewhere: elsewhere.requests() }).toEqual(sent)

    // Declining the native dialog: still nothing is sent.
    await app.answerConfirmation(false)
    await error.getByRole('button', { name: 'Confirm new destination' }).click()
    await expect.poll(() => app.confirmationsShown()).toEqual([expect.stringContaining(elsewhere.url)])
    await refusedSend(app.page)
    expect({ api: api.requests(), elsewhere: elsewhere.requests() }).toEqual(sent)

    // Accepting: the next send goes to the confirmed destination.
    await app.answerConfirmation(true)
    await app.page.getByTestId('enroll-error').getByRole('button', { name: 'Confirm new destination' }).click()
    await expect.poll(async () => (await app.confirmationsShown()).length).toBe(2)
    await expect(app.page.getByTestId('enroll-error')).toHaveCount(0)
    await fillEnrollForm(app.page, { paymentId: plainPaymentId(), phone: '08031234567' })
    await app.page.getByRole('button', { name: 'Enroll card' }).click()
    await expect(app.page.getByTestId('enroll-result')).toBeVisible()
    expect(elsewhere.requests()).toBeGreaterThan(sent.elsewhere)
  } finally {
    await api.close()
    await elsewhere.close()
  }
})

test('Settings shows the bound destination and asks for confirmation when the URLs change', async ({ app }) => {
  const api = await countingServer()
  const elsewhere = await countingServer()
  try {
    const { page } = app
    await configureEnvironment(page, 'custom', { url: api.url, credentials: E2E_CREDENTIALS })
    const card = page.getByTestId('settings-custom')
    await expect(card.getByTestId('destination-custom')).toContainText(`Credentials bound to ${api.url}`)
    await expect(card.getByRole('button', { name: 'Confirm new destination' })).toHaveCount(0)

    await card.getByLabel('Base URL').fill(elsewhere.url)
    await card.getByLabel('Passport URL').fill(elsewhere.url)
    await card.getByRole('button', { name: 'Save URLs' }).click()
    await expect(card.getByRole('button', { name: 'Confirm new destination' })).toBeVisible()

    await switchEnvironment(page, 'Custom')
    const sent = { api: api.requests(), elsewhere: elsewhere.requests() }
    await refusedSend(page)
    expect({ api: api.requests(), elsewhere: elsewhere.requests() }).toEqual(sent)

    await page.getByRole('link', { name: 'Settings' }).click()
    await app.answerConfirmation(false)
    await card.getByRole('button', { name: 'Confirm new destination' }).click()
    await expect.poll(() => app.confirmationsShown()).toHaveLength(1)
    await expect(card.getByRole('button', { name: 'Confirm new destination' })).toBeVisible()
    await expect(card.getByTestId('destination-custom')).toContainText(`Credentials bound to ${api.url}`)
    expect({ api: api.requests(), elsewhere: elsewhere.requests() }).toEqual(sent)
  } finally {
    await api.close()
    await elsewhere.close()
  }
})
