import { createConnection, createServer, type Socket } from 'node:net'

/*
 * A TCP proxy on 127.0.0.1 in front of a server, for the "team database unreachable" fault:
 * stall() keeps accepting connections and keeps existing ones open but forwards nothing in
 * either direction (a black-holed network path: no error, no answer), resume() forwards again
 * (connections opened during the stall then go through), cut() destroys every connection.
 */
export interface StallingProxy {
  readonly port: number
  stall(): void
  resume(): void
  cut(): void
  close(): Promise<void>
}

export async function startStallingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<StallingProxy> {
  let stalled = false
  const pairs = new Set<{ client: Socket; upstream: Socket | undefined }>()
  const waiting: (() => void)[] = []

  function connectUpstream(pair: { client: Socket; upstream: Socket | undefined }): void {
    const upstream = createConnection({ host: targetHost, port: targetPort })
    pair.upstream = upstream
    upstream.on('error', () => pair.client.destroy())
    pair.client.on('error', () => upstream.destroy())
    upstream.on('close', () => pair.client.destroy())
    pair.client.on('close', () => {
      upstream.destroy()
      pairs.delete(pair)
    })
    pair.client.pipe(upstream)
    upstream.pipe(pair.client)
  }

  const server = createServer((client) => {
    const pair = { client, upstream: undefined as Socket | undefined }
    pairs.add(pair)
    client.on('error', () => client.destroy())
    client.on('close', () => pairs.delete(pair))
    if (stalled) {
      // Held open, silent, until resume(): bytes the client sends wait in the socket.
      client.pause()
      waiting.push(() => {
        client.resume()
        connectUpstream(pair)
      })
    } else connectUpstream(pair)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  function cut(): void {
    for (const { client, upstream } of pairs) {
      client.destroy()
      upstream?.destroy()
    }
    pairs.clear()
  }

  return {
    port,
    stall() {
      stalled = true
      for (const { client, upstream } of pairs) {
        client.unpipe()
        upstream?.unpipe()
        client.pause()
        upstream?.pause()
      }
    },
    resume() {
      stalled = false
      for (const { client, upstream } of pairs) {
        if (!upstream) continue
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
        upstream.resume()
      }
      for (const go of waiting.splice(0)) go()
    },
    cut,
    async close() {
      cut()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
