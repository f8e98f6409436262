import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True once shutdown began: `/ready` answers 503 so the balancer stops sending here. */
    draining(): boolean
    /** The first step of a graceful shutdown, before `close()`: say not-ready, keep serving. */
    startDraining(): void
  }
}

/**
 * The app's side of a graceful shutdown; Fastify's own close() does the rest (it stops
 * accepting, closes idle keep-alive connections and waits for the requests in flight).
 * Once close() began, every response says Connection: close: Node keeps a connection alive
 * after a response even while its server closes, which would hold close() until the
 * keep-alive timeout, and a client would send its next request into a closing socket.
 */
export default fp(
  async function shutdownPlugin (fastify) {
    let draining = false
    let closing = false
    fastify.decorate('draining', () => draining)
    fastify.decorate('startDraining', () => { draining = true })
    fastify.addHook('preClose', (done) => {
      draining = true
      closing = true
      done()
    })
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close')
      done(null, payload)
    })
  },
  { name: 'shutdown' }
)
