import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * For shutdown: waits up to `graceMs` for request bodies still arriving, then closes the
     * connections of those still sending.
     */
    dropBodyReaders(graceMs: number): Promise<void>
  }
}

/**
 * Requests whose body is still arriving. A shutdown lets requests in flight finish, but a
 * client sending its body a byte at a time is not in flight yet and must not hold the process
 * open. Registered before the routes, so that its hooks apply to them.
 */
export default fp(
  async function bodyReadersPlugin (fastify) {
    const reading = new Set<IncomingMessage>()
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const raw = request.raw
      if (raw.headers['content-length'] !== undefined || raw.headers['transfer-encoding'] !== undefined) {
        reading.add(raw)
        raw.once('close', () => reading.delete(raw))
      }
      done(null, payload)
    })
    fastify.addHook('preValidation', (request, _reply, done) => {
      reading.delete(request.raw)
      done()
    })
    fastify.decorate('dropBodyReaders', async (graceMs: number) => {
      const deadline = Date.now() + graceMs
      while (reading.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      for (const request of reading) request.socket.destroy()
      reading.clear()
    })
  },
  { name: 'body-readers' }
)
