import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Linter } from 'eslint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUNDLE_DIR, freshBundleEntry, ROOT } from '../../bin/cliBundle.mjs'
import { HISTORY_FILE } from '../core/app/appCore.ts'
import { createHistoryStore } from '../core/history/historyStore.ts'
import { startTrainingServer } from '../core/simulator/trainingServer.ts'
import { openDatabase } from '../core/storage/openDatabase.ts'
import { BIN, runBin } from './spawnCli.test-helpers.ts'

// `otp-console` behaving like a native tool, each behaviour through a real process.
const CREDS = { clientId: 'IKIANATIVE00000000000000000000000000000001', clientSecret: 'native-test-secret-0123456789abcdef' }
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
const scratch = mkdtempSync(join(tmpdir(), 'otp-cli-native-'))
const dataDir = join(scratch, 'data')
mkdirSync(dataDir)

let server: Awaited<ReturnType<typeof startTrainingServer>>
beforeAll(async () => {
  server = await startTrainingServer({ credentials: [CREDS] })
})
afterAll(() => server.close())

const withCreds = { env: { OTP_CLIENT_ID: CREDS.clientId, OTP_CLIENT_SECRET: CREDS.clientSecret } }
const enroll = (paymentId: string, ...more: string[]) => runBin(['enroll', '--base-url', server.url, '--payment-id', paymentId, '--phone', '08031234567', '--data-dir', dataDir, ...more], withCreds)

describe('help and version', () => {
  it('--version prints the package version', async () => {
    const run = await runBin(['--version'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`otp-console ${VERSION}\n`)
    expect((await runBin(['--version', '--json'])).json).toEqual({ version: VERSION })
  })

  it('<command> --help prints that command’s usage only, on stdout, exit 0', async () => {
    const run = await runBin(['export', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Usage: otp-console export --format csv\|jsonl\|bundle/)
    expect(run.stdout).not.toMatch(/otp-console (enroll|history|audit)/)
    expect(run.stderr).toBe('')
  })

  it('--help lists every command and loads under 64 KB of the bundle: no core, no libraries', async () => {
    // A loader hook in the CLI process reports every module it loads.
    const hook = `data:text/javascript,${encodeURIComponent(
      "import { registerHooks } from 'node:module'; const seen = []; registerHooks({ load(url, context, next) { seen.push(url); return next(url, context) } }); process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(seen)))",
    )}`
    const run = await runBin(['--help'], { nodeArgs: ['--import', hook] })
    expect(run.code).toBe(0)
    for (const command of ['enroll', 'history', 'export', 'audit verify']) expect(run.stdout).toContain(`otp-console ${command}`)
    const loaded = (JSON.parse(run.stderr.slice(run.stderr.indexOf('LOADED ') + 7)) as string[]).filter((url) => url.startsWith('file:'))
    expect(loaded).toContain(pathToFileURL(join(BUNDLE_DIR, 'main.cjs')).href)
    expect(loaded.filter((url) => url.endsWith('.ts'))).toEqual([])
    expect(loaded.filter((url) => /appCore|secretStore|diagnosticLog|node_modules/.test(url))).toEqual([])
    // A command file importing zod, libphonenumber-js or the core at its top would add 150-300 KB.
    const bundleBytes = loaded.filter((url) => url.startsWith(pathToFileURL(BUNDLE_DIR).href)).reduce((sum, url) => sum + statSync(fileURLToPath(url)).size, 0)
    expect(bundleBytes).toBeLessThan(64 * 1024)
  })
})

describe('errors', () => {
  it('a usage error prints the message and only that command’s usage, on stderr, exit 2', async () => {
    const run = await runBin(['history', '--limit', 'lots', '--data-dir', dataDir])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/--limit takes a whole number/)
    expect(run.stderr).toMatch(/Usage: otp-console history /)
    expect(run.stderr).not.toMatch(/otp-console (enroll|export|audit)/)
  })

  it('with --json an error is also one JSON object on stdout, even one the parser finds', async () => {
    const unknownFlag = await runBin(['enroll', '--frobnicate', '--json'])
    expect(unknownFlag.code).toBe(2)
    expect(unknownFlag.stdout.trim().split('\n')).toHaveLength(1)
    expect(unknownFlag.json).toMatchObject({ error: { code: 'usage', message: expect.stringMatching(/frobnicate/) } })
    expect(unknownFlag.stderr).toMatch(/frobnicate/)

    const unknownCommand = await runBin(['frobnicate', '--json'])
    expect(unknownCommand.code).toBe(2)
    expect(unknownCommand.json).toMatchObject({ error: { code: 'usage', message: expect.stringMatching(/Unknown command "frobnicate"/) } })
  })

  it('a plain HTTP failure is explained once', async () => {
    const run = await enroll('6660500')
    expect(run.code).toBe(3)
    expect(run.stdout.split('The server had a problem (500).')).toHaveLength(2)
  })
})

describe('--signature-method', () => {
  it('takes the method in any case, and the server checks the signature made with it', async () => {
    const lower = await enroll('6660011', '--signature-method', 'sha-512', '--json')
    expect(lower.code).toBe(0)
    expect(lower.json.outcome).toBe('enrolled')
    expect((await enroll('6660021', '--signature-method', 'sha1', '--json')).code).toBe(0)
    const db = openDatabase(join(dataDir, HISTORY_FILE))
    try {
      expect(createHistoryStore(db).get(lower.json.attemptId as number)?.signatureMethod).toBe('SHA-512')
    } finally {
      db.close()
    }
  })

  it('an unknown method is a usage error', async () => {
    const run = await enroll('6660031', '--signature-method', 'md5')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--signature-method must be SHA1, SHA-256 or SHA-512 \(got "md5"\)/)
  })
})

describe('folders', () => {
  it('history, export and audit on a data folder that does not exist exit 2 and create nothing', async () => {
    const missing = join(scratch, 'no-such-data')
    for (const args of [['history'], ['export', '--format', 'csv', '--out', join(scratch, 'out.csv')], ['audit', 'verify']]) {
      const run = await runBin([...args, '--data-dir', missing])
      expect(run.code, args[0]).toBe(2)
      expect(run.stderr).toContain(`No data folder at ${missing}`)
    }
    expect(existsSync(missing)).toBe(false)
  })

  it('an export into a folder that does not exist exits 2 naming that folder', async () => {
    const folder = join(scratch, 'no-such-folder')
    const run = await runBin(['export', '--format', 'csv', '--out', join(folder, 'x.csv'), '--data-dir', dataDir, '--json'])
    expect(run.code).toBe(2)
    expect(run.json).toMatchObject({ error: { code: 'usage', message: `The folder ${folder} does not exist: create it or choose another --out.` } })
    expect(run.stderr).not.toMatch(/\.part/)
    expect(existsSync(folder)).toBe(false)
  })
})

describe('progress', () => {
  it('redraws with \\r on a terminal only', async () => {
    const out = join(scratch, 'piped.csv')
    const piped = await runBin(['export', '--format', 'csv', '--out', out, '--data-dir', dataDir])
    expect(piped.code).toBe(0)
    expect(piped.stderr).not.toContain('\r')
    expect(piped.stderr).toBe('')

    // util-linux `script` gives the CLI a real pseudo-terminal.
    const command = [process.execPath, BIN, 'export', '--format', 'csv', '--out', join(scratch, 'tty.csv'), '--data-dir', dataDir].map((a) => `'${a}'`).join(' ')
    const terminal = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, OTP_CLIENT_ID: '', OTP_CLIENT_SECRET: '' } })
      let text = ''
      child.stdout.on('data', (c: Buffer) => (text += c.toString()))
      child.on('close', (code) => resolve({ code, text }))
    })
    expect(terminal.code).toBe(0)
    expect(terminal.text).toMatch(/\rexported 0 of \d+/)
  })
})

describe('on an older Node', () => {
  it('the launcher uses no syntax newer than ES2020 (Node 14 reads it)', () => {
    const messages = new Linter().verify(readFileSync(BIN, 'utf8'), { languageOptions: { ecmaVersion: 2020, sourceType: 'module' } })
    expect(messages.filter((m) => m.fatal)).toEqual([])
  })

  it('says in one line that Node 24 is needed, exit 2', async () => {
    // The process reports itself as Node 20 before the launcher runs.
    const old = `data:text/javascript,${encodeURIComponent("Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.11.1' } }); Object.defineProperty(process, 'version', { value: 'v20.11.1' })")}`
    const run = await runBin(['--version'], { nodeArgs: ['--import', old] })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^otp-console needs Node\.js 24 or newer; this is Node\.js v20\.11\.1\.[^\n]*\n$/)
  })
})

describe('the bundle', () => {
  it('is used only while every source it was built from is unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otp-cli-manifest-'))
    const stat = statSync(join(ROOT, 'package.json'))
    const write = (sources: Record<string, string>) => writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ entry: 'main.cjs', sources }))
    write({ 'package.json': `${stat.size}:${stat.mtimeMs}` })
    expect(freshBundleEntry(dir)).toBe(join(dir, 'main.cjs'))
    write({ 'package.json': `${stat.size}:${stat.mtimeMs + 1}` })
    expect(freshBundleEntry(dir)).toBeNull()
    write({ 'package.json': `${stat.size}:${stat.mtimeMs}`, 'src/cli/gone.ts': '1:1' })
    expect(freshBundleEntry(dir)).toBeNull()
    expect(freshBundleEntry(join(dir, 'none'))).toBeNull()
  })

  it('npm run cli goes through the same launcher and prints clean output with --silent', async () => {
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'cli', '--', '--version', '--json'], { cwd: ROOT })
      let stdout = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
      child.on('close', (code) => resolve({ code, stdout }))
    })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ version: VERSION })
  })
})
