import { describe, expect, it } from 'vitest'
import { createBridge } from './bridge.ts'
import { ipcContract, ipcEvents } from './contract.ts'

describe('createBridge', () => {
  it('exposes exactly one function per contract method, each invoking its own channel', async () => {
    const calls: [string, unknown][] = []
    const bridge = createBridge(
      async (channel, payload) => (calls.push([channel, payload]), { ok: true, value: channel }),
      () => () => {},
    )
    const methods = Object.keys(ipcContract)
    expect(Object.keys(bridge).sort()).toEqual([...methods, 'onExportProgress', 'onBulkProgress'].sort())
    for (const method of methods) {
      const result = await (bridge as unknown as Record<string, (p?: unknown) => Promise<unknown>>)[method]?.({ probe: method })
      expect(result).toEqual({ ok: true, value: ipcContract[method as keyof typeof ipcContract].channel })
    }
    expect(calls.map(([channel]) => channel)).toEqual(methods.map((m) => ipcContract[m as keyof typeof ipcContract].channel))
  })

  it('channel names are unique', () => {
    const channels = Object.values(ipcContract).map((c) => c.channel)
    expect(new Set(channels).size).toBe(channels.length)
  })

  it('forwards export progress events and unsubscribes', () => {
    const listeners = new Map<string, (payload: unknown) => void>()
    const bridge = createBridge(
      async () => null,
      (channel, listener) => (listeners.set(channel, listener), () => listeners.delete(channel)),
    )
    const seen: unknown[] = []
    const off = bridge.onExportProgress((p) => seen.push(p))
    listeners.get(ipcEvents.exportProgress)?.({ written: 5, total: 10 })
    expect(seen).toEqual([{ written: 5, total: 10 }])
    off()
    expect(listeners.has(ipcEvents.exportProgress)).toBe(false)
  })

  it('forwards bulk progress events and unsubscribes', () => {
    const listeners = new Map<string, (payload: unknown) => void>()
    const bridge = createBridge(
      async () => null,
      (channel, listener) => (listeners.set(channel, listener), () => listeners.delete(channel)),
    )
    const seen: unknown[] = []
    const off = bridge.onBulkProgress((p) => seen.push(p))
    listeners.get(ipcEvents.bulkProgress)?.({ runId: 3, state: 'running' })
    expect(seen).toEqual([{ runId: 3, state: 'running' }])
    off()
    expect(listeners.has(ipcEvents.bulkProgress)).toBe(false)
  })

  it('is frozen so the page cannot swap a method', () => {
    const bridge = createBridge(async () => null, () => () => {})
    expect(Object.isFrozen(bridge)).toBe(true)
  })
})
