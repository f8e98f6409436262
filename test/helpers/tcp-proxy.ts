import { createServer, type Server, type Socket, connect } from 'node:net'

interface Teardown {
  teardown(fn: () => unknown): void
}

/**
 * A loopback TCP proxy in front of a real service (PostgreSQL, Redis). `cut()` drops every
 * connection and refuses new ones, as a server restart or a failover looks from the client;
 * `restore()` accepts again on the same port. Other tests keep using the real service
 * directly, so a "restart" here disturbs nobody else.
 */
export interface TcpProxy {
  port: number
  cut(): Promise<void>
  restore(): Promise<void>
  /** Open client connections through the proxy. */
  connections(): number
}

export async function startTcpProxy (t: Teardown, target: { host: string, port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0

  const listen = async (): Promise<void> => {
    const next = createServer((client) => {
      const upstream = connect(target.port, target.host)
      sockets.add(client).add(upstream)
      const drop = () => {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      client.on('error', drop).on('close', drop)
      upstream.on('error', drop).on('close', drop)
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject)
      next.listen(port, '127.0.0.1', () => resolve())
    })
    const address = next.address()
    if (address !== null && typeof address === 'object') port = address.port
    server = next
  }

  const cut = async (): Promise<void> => {
    const closing = server
    server = null
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()))
  }

  await listen()
  t.teardown(cut)
  return {
    get port () { return port },
    cut,
    restore: listen,
    connections: () => sockets.size / 2
  }
}
