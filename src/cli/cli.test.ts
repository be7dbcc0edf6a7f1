import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTrainingServer } from '../core/simulator/trainingServer.ts'
import { runBin } from './spawnCli.test-helpers.ts'

// The CLI as a user runs it: a separate Node process through the bin, real HTTP, real SQLite.
const COMPAT = { clientId: 'IKIACLITEST000000000000000000000000000001', clientSecret: 'cli-test-secret-0123456789abcdef' }
const cli = (args: string[], env: Record<string, string> = {}) => runBin(args, { env })

const dataDir = mkdtempSync(join(tmpdir(), 'otp-cli-'))
const enrollArgs = (paymentId: string, ...more: string[]) => ['enroll', '--payment-id', paymentId, '--phone', '0803 123 4567', '--data-dir', dataDir, '--json', ...more]

describe('CLI against the built-in training server', () => {
  it('enrolls: exit 0 and one JSON object with the attempt', async () => {
    const run = await cli(enrollArgs('5550011', '--env', 'training', '--ref', 'JB-1-Enrol'))
    expect(run.code).toBe(0)
    expect(run.json).toMatchObject({ outcome: 'enrolled', httpStatus: 200, errors: [], paymentId: '5550011', transactionRef: 'JB-1-Enrol', environment: 'training' })
    expect(run.json.attemptId).toEqual(expect.any(Number))
    expect(run.json.durationMs).toEqual(expect.any(Number))
  })

  it('a rejection by the API exits 1 with the code and its explanation', async () => {
    const run = await cli(enrollArgs('5550403', '--env', 'training'))
    expect(run.code).toBe(1)
    expect(run.json.outcome).toBe('rejected')
    expect(run.json.errors).toEqual([expect.objectContaining({ code: '10403', message: 'Payments is not allowed for auto enrollment', explanation: expect.stringMatching(/already enrolled/) })])
  })

  it('the same payment enrolled twice is refused the second time (state kept in the data folder)', async () => {
    expect((await cli(enrollArgs('5550101', '--env', 'training'))).code).toBe(0)
    const again = await cli(enrollArgs('5550101', '--env', 'training'))
    expect(again.code).toBe(1)
    expect((again.json.errors as { code: string }[])[0]?.code).toBe('10403')
  })

  it('bad input exits 2 and records nothing', async () => {
    const total = async () => (await cli(['history', '--data-dir', dataDir, '--json'])).json.total
    const before = await total()
    const run = await cli(['enroll', '--payment-id', '12x', '--phone', '123', '--env', 'training', '--data-dir', dataDir, '--json'])
    expect(run.code).toBe(2)
    expect(run.json).toMatchObject({ outcome: 'not-sent', error: { code: 'invalid-input', fields: { paymentId: expect.any(String), phone: expect.any(String) } } })
    expect(await total()).toBe(before)
  })

  it('usage errors exit 2', async () => {
    expect((await cli(['enroll', '--phone', '08031234567', '--data-dir', dataDir])).code).toBe(2)
    expect((await cli(['enroll', '--payment-id', '1', '--phone', '08031234567', '--env', 'mars', '--data-dir', dataDir])).code).toBe(2)
    expect((await cli(['frobnicate'])).code).toBe(2)
  })

  it('a connection lost after sending exits 3 with outcome unknown', async () => {
    const run = await cli(enrollArgs('5550998', '--env', 'training'))
    expect(run.code).toBe(3)
    expect(run.json.outcome).toBe('unknown')
  })

  it('writes to the same history the console reads, marked as the CLI channel', async () => {
    const run = await cli(['history', '--data-dir', dataDir, '--json', '--payment-id', '5550011'])
    expect(run.code).toBe(0)
    const rows = (run.json as { rows: { paymentId: string; channel: string; outcome: string }[] }).rows
    expect(rows).toEqual([expect.objectContaining({ paymentId: '5550011', channel: 'cli', outcome: 'enrolled' })])
  })
})

describe('CLI against an Interswitch-compatible server through --base-url', () => {
  let server: Awaited<ReturnType<typeof startTrainingServer>>
  beforeAll(async () => {
    server = await startTrainingServer({ credentials: [COMPAT] })
  })
  afterAll(() => server.close())

  it('uses OTP_CLIENT_ID/OTP_CLIENT_SECRET and the token endpoint on the same base', async () => {
    const run = await cli(enrollArgs('7770011', '--base-url', server.url, '--signature-method', 'SHA-512'), { OTP_CLIENT_ID: COMPAT.clientId, OTP_CLIENT_SECRET: COMPAT.clientSecret })
    expect(run.code).toBe(0)
    expect(run.json).toMatchObject({ outcome: 'enrolled', environment: 'custom' })
    expect(run.stdout + run.stderr).not.toContain(COMPAT.clientSecret)
  })

  it('wrong credentials: the token is refused, nothing is enrolled, exit 3', async () => {
    const run = await cli(enrollArgs('7770012', '--base-url', server.url), { OTP_CLIENT_ID: COMPAT.clientId, OTP_CLIENT_SECRET: 'wrong-secret' })
    expect(run.code).toBe(3)
    expect(run.json.outcome).toBe('failed')
  })

  it('only one of the two credential variables is a usage error', async () => {
    const run = await cli(enrollArgs('7770013', '--base-url', server.url), { OTP_CLIENT_ID: COMPAT.clientId })
    expect(run.code).toBe(2)
  })

  it('an unreachable base URL exits 3 with outcome failed', async () => {
    const closed = await startTrainingServer({ credentials: [COMPAT] })
    const url = closed.url
    await closed.close()
    const run = await cli(enrollArgs('7770014', '--base-url', url), { OTP_CLIENT_ID: COMPAT.clientId, OTP_CLIENT_SECRET: COMPAT.clientSecret })
    expect(run.code).toBe(3)
    expect(run.json.outcome).toBe('failed')
  })
})
