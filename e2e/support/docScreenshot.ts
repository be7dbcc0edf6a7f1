import { join } from 'node:path'
import type { Page } from '@playwright/test'
export { DOC_SCREENSHOT_TAG } from './constants.ts'
import { ROOT, type DocPicture } from './constants.ts'
import { DRIVER } from './fixtures.ts'

/**
 * Saves docs/screenshots/<name>.png, only when `npm run screenshots` runs the scenario
 * (E2E_SCREENSHOTS=1, browser driver): `npm test` must leave the committed pictures alone.
 */
export async function docScreenshot(page: Page, name: DocPicture): Promise<void> {
  if (process.env.E2E_SCREENSHOTS !== '1' || DRIVER !== 'browser') return
  await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', `${name}.png`) })
}
