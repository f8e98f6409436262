import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { startApp, startIssuer } from '../helpers/app.js'
import { within } from '../helpers/process.js'

interface Trickle {
  /** Everything the server sent. */
  received(): string
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>
  stop(): void
}

/** A raw connection that sends `head`, then one byte of body every 50 ms until stopped or closed. */
function trickle (port: number, head: string): Trickle {
  const socket: Socket = connect(port, '127.0.0.1')
  let data = ''
  let timer: NodeJS.Timeout | undefined
  socket.on('data', (chunk) => { data += chunk.toString() })
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => {
    clearInterval(timer)
    resolve()
  }))
  socket.once('connect', () => {
    socket.write(head)
    timer = setInterval(() => { if (socket.writable) socket.write('x') }, 50)
  })
  return {
    received: () => data,
    closed,
    stop: () => {
      clearInterval(timer)
      socket.destroy()
    }
  }
}

t.test('an answer sent before the body closes the connection; a client still sending cannot hold it', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const admin = `Authorization: Bearer ${issuer.adminToken()}\r\n`
  const cases: Array<[string, string, number]> = [
    ['no token', 'POST /products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n', 401],
    ['a user token on an admin route', `POST /products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${issuer.userToken()}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`, 403],
    ['a body announced over the limit', `POST /products HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n`, 413],
    ['a content type the route does not take', `POST /products HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: text/plain\r\nContent-Length: 100000\r\n\r\n`, 415],
    ['no token, chunked', 'POST /logout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n', 401]
  ]
  for (const [name, head, status] of cases) {
    const client = trickle(port, head)
    try {
      await within(client.closed, 5000, `${name}: the connection was still open 5 s after the answer`)
      t.pass(`${name}: the server closed the connection while the client was still sending`)
    } catch (error) {
      t.fail(String(error))
    } finally {
      client.stop()
    }
    t.match(client.received(), new RegExp(`^HTTP/1\\.1 ${status} `), `${name}: ${status} first`)
    t.match(client.received(), /\r\nconnection: close\r\n/i, `${name}: with Connection: close`)
  }

  // The control: a request without a body keeps its connection for the next request.
  const socket = connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  let data = ''
  socket.on('data', (chunk) => { data += chunk.toString() })
  socket.write('GET /me HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n')
  await within(new Promise<void>((resolve) => {
    const check = () => (/HTTP\/1\.1 200 /.test(data) ? resolve() : setTimeout(check, 20))
    check()
  }), 5000, 'the second request on the connection was not answered')
  t.match(data, /^HTTP\/1\.1 401 /, 'a bodiless request refused: 401')
  t.notMatch(data, /connection: close/i, '...and the connection stays open')
  t.match(data, /HTTP\/1\.1 200 /, 'the next request on it is answered')
})

t.test('the server has request, connection and keep-alive timeouts', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  t.equal(app.server.requestTimeout, 30_000, 'a whole request (headers and body) within 30 s')
  t.equal(app.server.timeout, 60_000, 'a connection idle for 60 s is closed')
  t.equal(app.server.keepAliveTimeout, 72_000, 'an idle keep-alive connection is kept 72 s (past common load balancers\' 60 s)')
  t.ok(app.server.headersTimeout > 0 && app.server.headersTimeout <= 60_000, `headers within ${app.server.headersTimeout} ms`)
})
