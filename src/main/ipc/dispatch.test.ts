import { describe, expect, it } from 'vitest'
import type { Logger } from '../../core/log/logger.ts'
import { fail, ok, type Result } from '../../shared/domain/result.ts'
import { ipcContract } from '../../shared/ipc/contract.ts'
import type { HandlerMap } from './context.ts'
import { APP_ENTRY_URL } from '../appScheme.ts'
import { createDispatch, createSenderCheck } from './dispatch.ts'

describe('createSenderCheck', () => {
  const packaged = createSenderCheck({ appEntryUrl: APP_ENTRY_URL })
  const dev = createSenderCheck({ appEntryUrl: APP_ENTRY_URL, devOrigin: 'http://localhost:5173' })

  it('accepts the renderer on the app scheme, with or without a route hash', () => {
    expect(packaged('app://console/index.html')).toBe(true)
    expect(packaged('app://console/index.html#/history?outcome=rejected')).toBe(true)
  })

  it('refuses other files, other hosts and schemes, file:// and garbage', () => {
    expect(packaged('app://console/other.html')).toBe(false)
    expect(packaged('app://evil/index.html')).toBe(false)
    expect(packaged('file:///opt/app/out/renderer/index.html')).toBe(false)
    expect(packaged('https://evil.example/index.html')).toBe(false)
    expect(packaged('http://localhost:5173/')).toBe(false)
    expect(packaged('not a url')).toBe(false)
    expect(packaged(undefined)).toBe(false)
  })

  it('accepts the dev server origin only when one is given', () => {
    expect(dev('http://localhost:5173/#/enroll')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(dev('app://console/index.html')).toBe(true)
    expect(createSenderCheck({ devOrigin: 'null' })('app://x/index.html')).toBe(false)
  })
})

describe('createDispatch', () => {
  const APP_URL = APP_ENTRY_URL
  const trusted = createSenderCheck({ appEntryUrl: APP_ENTRY_URL })

  function setup(listAudit: (request: unknown) => Promise<Result<unknown>>) {
    const calls: unknown[] = []
    const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = []
    const logger: Logger = {
      info: (message, fields) => void logged.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
      warn: (message, fields) => void logged.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
      error: (message, fields) => void logged.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
    }
    const handlers = {
      listAudit: async (request: unknown) => {
        calls.push(request)
        return listAudit(request)
      },
    } as unknown as HandlerMap
    return { dispatch: createDispatch(handlers, trusted, logger), calls, logged }
  }
  const channel = ipcContract.listAudit.channel

  it('passes the parsed request (defaults applied) to the handler and returns its result', async () => {
    const { dispatch, calls } = setup(async () => ok([]))
    expect(await dispatch(channel, { beforeSeq: 5 }, APP_URL)).toEqual({ ok: true, value: [] })
    expect(calls).toEqual([{ beforeSeq: 5, limit: 100 }])
  })

  it('refuses a call from another page before anything else', async () => {
    const { dispatch, calls } = setup(async () => ok([]))
    expect(await dispatch(channel, {}, 'https://evil.example/index.html')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await dispatch(channel, {}, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(calls).toEqual([])
  })

  it('answers a channel outside the contract with invalid-input', async () => {
    const { dispatch } = setup(async () => ok([]))
    expect(await dispatch('shell:exec', { cmd: 'rm -rf /' }, APP_URL)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })

  it('answers a payload that fails its schema with invalid-input and per-field messages, without calling the handler', async () => {
    const { dispatch, calls } = setup(async () => ok([]))
    const result = await dispatch(channel, { limit: 10_000, beforeSeq: -1 }, APP_URL)
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: { limit: expect.any(String), beforeSeq: expect.any(String) } } })
    expect(calls).toEqual([])
  })

  it('turns a handler that throws into internal, with no detail for the window and the detail in the log', async () => {
    const { dispatch, logged } = setup(async () => {
      throw new Error('disk on fire at /home/ada/secret-path')
    })
    const result = await dispatch(channel, {}, APP_URL)
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(JSON.stringify(result)).not.toContain('disk on fire')
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', fields: expect.objectContaining({ channel, error: 'Error: disk on fire at /home/ada/secret-path' }) }))
  })

  it('returns a handler’s own failure unchanged', async () => {
    const { dispatch } = setup(async () => fail('not-found', 'Nothing here.'))
    expect(await dispatch(channel, {}, APP_URL)).toEqual({ ok: false, error: { code: 'not-found', message: 'Nothing here.' } })
  })
})
