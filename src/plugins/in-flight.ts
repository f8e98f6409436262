import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'
import { sendProblem } from '../error-handler.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * For shutdown, after close began: waits for the requests in flight to be answered (and
     * up to `bodyGraceMs` for bodies still arriving), then closes every connection left.
     */
    closeConnectionsWhenSettled(bodyGraceMs: number): Promise<void>
  }
}

const POLL_MS = 50
// Each connection's latest response, set by one hook; a property, not a listener or a Set entry per request.
const LATEST = Symbol('in-flight response')

type TrackedSocket = Socket & { [LATEST]?: ServerResponse }

function hasBody (request: IncomingMessage): boolean {
  const { headers } = request
  return headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined
}

/** What a connection is doing: handling a request, still reading one's body, or neither. */
function stateOf (socket: TrackedSocket): 'handling' | 'reading' | 'idle' {
  const response = socket[LATEST]
  if (response === undefined || response.writableFinished) return 'idle'
  return hasBody(response.req) && !response.req.complete ? 'reading' : 'handling'
}

/**
 * Which requests are being handled and which are still receiving their body, worked out at
 * shutdown from the open connections. A shutdown lets the first finish; a client sending its
 * body a byte at a time, or a connection carrying no request, must not hold the process open.
 * A request that arrives on an open connection once closing began is answered 503.
 * Registered before the routes, so its hook applies to them.
 */
export default fp(
  async function inFlightPlugin (fastify) {
    const sockets = new Set<TrackedSocket>()
    fastify.server.on('connection', (socket: TrackedSocket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    })
    // Fastify's own answer while closing (return503OnClosing) is not problem+json and skips
    // the hooks that add the security headers and request id; this one is ours. Fastify adds
    // Connection: close, so the client sends its retry on a new connection, to another replica.
    let closing = false
    fastify.addHook('preClose', (done) => {
      closing = true
      done()
    })
    fastify.addHook('onRequest', (request, reply, done) => {
      (request.raw.socket as TrackedSocket)[LATEST] = reply.raw
      if (closing) {
        sendProblem(reply, 503, 'This server is shutting down; send the request again on a new connection.')
        return
      }
      done()
    })

    function busy (): { handling: boolean, reading: boolean } {
      let handling = false
      let reading = false
      for (const socket of sockets) {
        const state = stateOf(socket)
        if (state === 'handling') handling = true
        else if (state === 'reading') reading = true
      }
      return { handling, reading }
    }

    fastify.decorate('closeConnectionsWhenSettled', async (bodyGraceMs: number) => {
      const deadline = Date.now() + bodyGraceMs
      for (let now = busy(); now.handling || (now.reading && Date.now() < deadline); now = busy()) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
      fastify.server.closeAllConnections()
    })
  },
  { name: 'in-flight' }
)
