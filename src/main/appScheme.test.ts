import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, createAppSchemeHandler, resolveAppFile } from './appScheme.ts'

// A renderer folder with a sibling secret, and links that point out of the folder.
const base = mkdtempSync(join(tmpdir(), 'otp-scheme-'))
const root = join(base, 'renderer')
mkdirSync(join(root, 'assets'), { recursive: true })
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>')
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
writeFileSync(join(base, 'secret.txt'), 'outside')
symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link-out.js'))
symlinkSync(base, join(root, 'dir-out'))
symlinkSync(join(root, 'assets', 'app.js'), join(root, 'assets', 'link-in.js'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('resolveAppFile', () => {
  it('serves files under the renderer folder, index.html for the root', () => {
    expect(resolveAppFile(root, APP_ENTRY_URL)).toEqual({ ok: true, file: join(root, 'index.html') })
    expect(resolveAppFile(root, 'app://console/')).toEqual({ ok: true, file: join(root, 'index.html') })
    expect(resolveAppFile(root, 'app://console/assets/app.js?v=1#x')).toEqual({ ok: true, file: join(root, 'assets', 'app.js') })
    expect(resolveAppFile(root, 'app://console/assets/link-in.js')).toEqual({ ok: true, file: join(root, 'assets', 'app.js') })
  })

  it.each([
    ['app://console/../secret.txt', 'traversal (normalised away by the URL parser, then not found)'],
    ['app://console/%2e%2e/secret.txt', 'encoded dots'],
    ['app://console/assets/..%2f..%2fsecret.txt', 'encoded slash after dots'],
    ['app://console/%2E%2E%2Fsecret.txt', 'upper-case encoding'],
    ['app://console/assets%5c..%5c..%5csecret.txt', 'encoded backslashes'],
    ['app://console//etc/passwd', 'absolute path'],
    [`app://console/${encodeURIComponent(join(base, 'secret.txt'))}`, 'encoded absolute path'],
    ['app://console/C:/Windows/win.ini', 'drive letter'],
    ['app://console/index.html%00.png', 'NUL byte'],
    ['app://console/%E0%A4%A', 'broken escape'],
    ['app://console/assets/link-out.js', 'symlink to a file outside'],
    ['app://console/dir-out/secret.txt', 'symlinked folder outside'],
    ['app://other/index.html', 'another host'],
    ['file:///etc/passwd', 'another scheme'],
    ['app://console/assets', 'a folder'],
    ['app://console/missing.js', 'a missing file'],
  ])('refuses %s (%s)', (url) => {
    const result = resolveAppFile(root, url)
    expect(result.ok).toBe(false)
  })
})

describe('createAppSchemeHandler', () => {
  const refusals: { path: string; reason: string }[] = []
  const handle = createAppSchemeHandler(root, (fields) => refusals.push(fields))

  it('answers files with their type and refuses the rest, logging path and reason without the query', async () => {
    const page = await handle(new Request(APP_ENTRY_URL))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await page.text()).toContain('<title>app</title>')

    const out = await handle(new Request('app://console/%2e%2e%2fsecret.txt?token=abc'))
    expect(out.status).toBe(403)
    expect(await out.text()).toBe('')
    expect(refusals.at(-1)).toEqual({ path: 'app://console/%2e%2e%2fsecret.txt', reason: 'dot segment in path' })

    expect((await handle(new Request('app://console/index.html', { method: 'POST', body: 'x' }))).status).toBe(405)
    expect((await handle(new Request('app://console/nope.js'))).status).toBe(404)
  })
})
