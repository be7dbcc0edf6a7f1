import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { createOsSecretStore } from '../../src/core/credentials/secretStore.ts'
import { createTeamPasswordStore } from '../../src/core/team/teamConfig.ts'
import { createRandomDatabase, startPgCluster, TEST_ROLE, type PgCluster } from '../../src/core/team/testing/pgCluster.ts'
import { launchBrowser } from '../drivers/browserDriver.ts'
import { launchElectron } from '../drivers/electronDriver.ts'
import type { AppHandle } from '../drivers/types.ts'
import { checkAxe } from '../support/axe.ts'
import { E2E_DATA_ROOT, E2E_KEYCHAIN_SERVICE, E2E_PG_URL_ENV, E2E_TEAM_PASSWORD } from '../support/constants.ts'
import { DRIVER, expect, recordSignature, recordToken, test as base } from '../support/fixtures.ts'
import { enroll, openHistory, plainPaymentId } from '../support/ui.ts'

// Issue 14 from the desk: two consoles (two main sides, two data folders, two keychains) on one
// team database in a real PostgreSQL. What one enrolls, the other sees in its team history and
// in its duplicate warning.

/** Where the team database is: the run's cluster (e2e/run.ts), or one of the spec's own. */
interface TeamDb {
  host: string
  port: number
  database: string
}

const DESK2_KEYCHAIN = `${E2E_KEYCHAIN_SERVICE}-desk2`

const test = base.extend<{ teamDb: TeamDb; desk2: AppHandle }, { pgAdminUrl: string }>({
  // The server outlives every console of the worker (its consoles are closed before it stops).
  pgAdminUrl: [
    async ({}, use) => {
      const runs = process.env[E2E_PG_URL_ENV]
      const own: PgCluster | undefined = runs ? undefined : await startPgCluster()
      await use(runs ?? own!.url())
      own?.destroy()
    },
    { scope: 'worker' },
  ],
  teamDb: async ({ pgAdminUrl }, use) => {
    const database = await createRandomDatabase(pgAdminUrl, 'e2e_team')
    const url = new URL(pgAdminUrl)
    await use({ host: url.hostname, port: Number(url.port), database })
  },
  // The second desk: its own data folder and keychain, launched like the first.
  desk2: async ({}, use, testInfo) => {
    const dataDir = join(E2E_DATA_ROOT, DRIVER, `${testInfo.titlePath.slice(1).join('-').replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-desk2`)
    rmSync(dataDir, { recursive: true, force: true })
    mkdirSync(dataDir, { recursive: true })
    const options = { dataDir, keychainService: DESK2_KEYCHAIN, onTokenIssued: recordToken, onSignatureReceived: recordSignature }
    const desk2 = DRIVER === 'electron' ? await launchElectron(options) : await launchBrowser(options)
    await use(desk2)
    await desk2.close()
  },
})

// Two consoles, a replicator and a loaded machine: more than the default minute.
test.describe.configure({ timeout: 240_000 })

test.afterEach(async () => {
  for (const service of [E2E_KEYCHAIN_SERVICE, DESK2_KEYCHAIN]) await createTeamPasswordStore(createOsSecretStore(service)).delete()
})

/** The team card's connection fields, as an operator types them (TLS off: a cluster on loopback). */
async function fillTeamForm(page: Page, db: TeamDb): Promise<void> {
  const card = page.getByTestId('settings-team')
  await card.getByLabel('Host', { exact: true }).fill(db.host)
  await card.getByLabel('Port', { exact: true }).fill(String(db.port))
  await card.getByLabel('Database', { exact: true }).fill(db.database)
  await card.getByLabel('User', { exact: true }).fill(TEST_ROLE)
  await card.getByLabel('TLS', { exact: true }).selectOption('disable')
}

/** Settings → Team database: the connection as an operator types it, saved. */
async function joinTeam(page: Page, db: TeamDb, password?: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click()
  const card = page.getByTestId('settings-team')
  await fillTeamForm(page, db)
  if (password) await card.getByLabel('Password', { exact: true }).fill(password)
  await card.getByRole('button', { name: 'Save team database' }).click()
  await expect(card.getByRole('button', { name: 'Remove team database' })).toBeVisible()
}

/** "operator @ machine" from the sidebar: who this console is. */
async function identity(page: Page): Promise<{ operator: string; machine: string }> {
  const text = (await page.locator('.sidebar-foot div').first().textContent()) ?? ''
  const [operator = '', machine = ''] = text.split(' @ ').map((s) => s.trim())
  return { operator, machine }
}

test('an enrollment made at one desk appears in the other desk’s team history and duplicate warning', async ({ app, desk2, teamDb }) => {
  const desk1 = app.page
  const other = desk2.page

  // No team database yet: nothing in the top bar, no scope toggle.
  await expect(desk1.getByTestId('team-status')).toHaveCount(0)

  // Desk 1: Test connection first (plain words), then save with a password (trust auth ignores it).
  await desk1.getByRole('link', { name: 'Settings' }).click()
  const card = desk1.getByTestId('settings-team')
  await fillTeamForm(desk1, teamDb)
  await card.getByRole('button', { name: 'Test connection' }).click()
  await expect(card.getByTestId('team-test-result')).toContainText('Connected to PostgreSQL')
  await checkAxe(desk1, 'team settings after a test connection').then((v) => expect(v).toEqual([]))
  await joinTeam(desk1, teamDb, E2E_TEAM_PASSWORD)
  await expect(card.getByLabel('Password', { exact: true })).toHaveValue('') // handed to the keychain, not kept in the window
  await expect(card).toContainText('A password is stored in the OS keychain')
  await joinTeam(other, teamDb)

  // Desk 1 enrolls; the replicator ships it and the top bar says so.
  const paymentId = plainPaymentId()
  const result = await enroll(desk1, { paymentId, phone: '0803 123 4567' })
  await expect(result).toHaveAttribute('data-outcome', 'enrolled')
  await expect(desk1.getByTestId('team-status')).toHaveText(/Team: up to date/, { timeout: 30_000 })
  const who = await identity(desk1)

  // Desk 2: History → Team shows it, with desk 1's machine and operator.
  await openHistory(other)
  await other.getByTestId('history-scope').getByText('Team', { exact: true }).click()
  await expect(other).toHaveURL(/scope=team/)
  const row = other.getByTestId('history-row').filter({ hasText: paymentId })
  // The top bar's "up to date" may be the poll from before the enrollment: the replicator ships
  // between enrollments, so desk 2 refreshes, as its operator would, until the row is there.
  await expect(async () => {
    await other.getByRole('button', { name: 'Refresh' }).click()
    await expect(row).toHaveCount(1, { timeout: 2_000 })
  }).toPass({ timeout: 30_000 })
  await expect(row.getByTestId('history-machine')).toHaveText(who.machine)
  await expect(row).toContainText(who.operator)
  await row.click()
  const detail = other.getByTestId('attempt-detail')
  await expect(detail).toContainText(paymentId)
  await expect(detail.getByTestId('detail-retry')).toHaveCount(0) // another desk's attempt is not retried from here
  await checkAxe(other, 'history in the team scope with details').then((v) => expect(v).toEqual([]))

  // Export in the team scope: the team's selection, from this desk.
  const file = join(desk2.dataDir, 'team.csv')
  await desk2.answerSaveDialog(file)
  await other.getByTestId('export-button').click()
  await other.getByRole('button', { name: 'CSV' }).click()
  await expect(other.getByTestId('toast').filter({ hasText: 'Exported 1 attempt' })).toBeVisible()
  expect(readFileSync(file, 'utf8')).toContain(paymentId)

  // This computer's own history does not have it.
  await other.getByTestId('history-scope').getByText('This computer', { exact: true }).click()
  await expect(other.getByTestId('history-empty')).toBeVisible()

  // Desk 2 starts to enroll the same payment: the warning names desk 1's attempt.
  await other.getByRole('link', { name: 'Enroll' }).click()
  await other.getByLabel('Payment id').fill(paymentId)
  await other.getByLabel('Mobile phone').fill('0803 123 4567')
  await other.getByRole('button', { name: 'Enroll card' }).click()
  const warning = other.getByTestId('precheck-team')
  await expect(warning).toBeVisible()
  const teamRow = warning.getByTestId('precheck-team-row')
  await expect(teamRow).toHaveCount(1)
  await expect(teamRow).toContainText(who.machine)
  await expect(teamRow).toContainText(who.operator)
  await expect(teamRow).toContainText('Enrolled')
  await expect(warning.getByTestId('precheck-team-freshness')).toContainText('Team data read')
  await checkAxe(other, 'duplicate warning naming a team attempt').then((v) => expect(v).toEqual([]))
  await other.getByRole('button', { name: 'Cancel' }).click()
  await expect(other.getByTestId('enroll-result')).toHaveCount(0) // nothing was sent

  // Desk 2's Audit view lists both consoles' shipped chains and verifies desk 1's from here.
  await other.getByRole('link', { name: 'Audit' }).click()
  const chains = other.getByTestId('team-audit-row')
  await expect(chains).toHaveCount(2)
  for (const chain of await chains.all()) {
    await chain.getByRole('button', { name: /^Verify the chain of / }).click()
    await expect(chain.getByTestId('team-audit-verdict')).toHaveAttribute('data-tone', 'ok')
  }
  await checkAxe(other, 'audit view with the team chains verified').then((v) => expect(v).toEqual([]))
})

test('a team database that does not answer is said in the top bar, and enrolling goes on', async ({ app, teamDb }) => {
  const { page } = app
  // A port nothing listens on: the team database is "down" from the start.
  await joinTeam(page, { ...teamDb, port: 1 })
  const status = page.getByTestId('team-status')
  await expect(status).toHaveAttribute('data-tone', 'error', { timeout: 30_000 })
  await expect(status).toContainText('Team unreachable since')
  const result = await enroll(page, { paymentId: plainPaymentId(), phone: '0803 123 4567' })
  await expect(result).toHaveAttribute('data-outcome', 'enrolled')
  await expect(status).toContainText('Team unreachable since')
  await checkAxe(page, 'top bar with the team unreachable').then((v) => expect(v).toEqual([]))
  // Removing the team database: the status goes away, the console works alone.
  await page.getByRole('link', { name: 'Settings' }).click()
  await page.getByTestId('settings-team').getByRole('button', { name: 'Remove team database' }).click()
  await page.getByTestId('remove-team-dialog').getByRole('button', { name: 'Remove team database' }).click()
  await expect(status).toHaveCount(0)
})
