import type { ServerResponse } from 'node:http'
import fp from 'fastify-plugin'

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

function hasBody (response: ServerResponse): boolean {
  const { headers } = response.req
  return headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined
}

/**
 * Which requests are being handled and which are still receiving their body. A shutdown lets
 * the first finish; a client sending its body a byte at a time, or a connection carrying no
 * request, must not hold the process open. Registered before the routes, so its hooks apply to them.
 */
export default fp(
  async function inFlightPlugin (fastify) {
    const handling = new Set<ServerResponse>()
    const reading = new Set<ServerResponse>()
    fastify.addHook('onRequest', (_request, reply, done) => {
      const response = reply.raw
      handling.add(response)
      response.once('close', () => {
        handling.delete(response)
        reading.delete(response)
      })
      done()
    })
    fastify.addHook('preParsing', (_request, reply, payload, done) => {
      if (hasBody(reply.raw) && handling.delete(reply.raw)) reading.add(reply.raw)
      done(null, payload)
    })
    fastify.addHook('preValidation', (_request, reply, done) => {
      if (reading.delete(reply.raw)) handling.add(reply.raw)
      done()
    })
    fastify.decorate('closeConnectionsWhenSettled', async (bodyGraceMs: number) => {
      const deadline = Date.now() + bodyGraceMs
      while (handling.size > 0 || (reading.size > 0 && Date.now() < deadline)) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
      fastify.server.closeAllConnections()
    })
  },
  { name: 'in-flight' }
)
