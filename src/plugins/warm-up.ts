import type { AddressInfo } from 'node:net'
import fp from 'fastify-plugin'
import { Agent, request } from 'undici'
import type { WarmUpPass } from '../http/warm-up-pass.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** False until the hot read paths have run enough times to be compiled; /ready waits for it. */
    warmedUp(): boolean
  }
}

// The reads a catalogue client sends most; writes are never replayed here (they would change data).
const HOT_PATHS = ['/products?limit=20', '/products?limit=20&sort=-price', '/products?q=a', '/products/1', '/health']
// A few connections at once, as real clients arrive; each request bounded, so a stuck one cannot hold /ready.
const CONNECTIONS = 4
const REQUEST_TIMEOUT_MS = 10_000

interface Outcome {
  sent: number
  failed: number
}

/** Where this server can reach itself: its address, a wildcard one by loopback (IPv4 answers on `::` too). */
function ownOrigin ({ address, port }: AddressInfo): string {
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** Sends the reads, CONNECTIONS at a time, until all are sent, `stopped()`, or one of them fails. */
async function warmUp (origin: string, pass: WarmUpPass, requests: number, stopped: () => boolean): Promise<Outcome> {
  const agent = new Agent({ connections: CONNECTIONS })
  const outcome: Outcome = { sent: 0, failed: 0 }
  let broken: unknown = null
  async function connection (): Promise<void> {
    while (outcome.sent < requests && broken === null && !stopped()) {
      const path = HOT_PATHS[outcome.sent++ % HOT_PATHS.length] as string
      try {
        const { statusCode, body } = await request(new URL(path, origin), {
          dispatcher: agent, headers: { [pass.header]: pass.value }, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS
        })
        await body.dump()
        // A 404 is an answer too: a new catalogue may have no product 1.
        if (statusCode >= 400 && statusCode !== 404) outcome.failed++
      } catch (error) {
        broken ??= error
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, connection))
  } finally {
    await agent.close()
  }
  if (broken !== null) throw broken
  return outcome
}

/**
 * A cold process hit by a burst runs at a fraction of its speed until V8 has compiled its hot
 * paths, so a load balancer should not send it traffic before then: once the server listens,
 * it sends itself WARM_UP_REQUESTS reads over HTTP, and /ready answers 503 until they are
 * done. Over its own socket, not `inject`, so that V8 compiles Fastify's and Node's HTTP code
 * for the objects real requests bring. The requests carry `pass`, and spend no client's read
 * budget. An app that never listens (inject only) never warms up: give it WARM_UP_REQUESTS=0.
 */
export default fp<{ pass: WarmUpPass }>(
  async function warmUpPlugin (fastify, { pass }) {
    const requests = fastify.config.WARM_UP_REQUESTS
    let done = requests === 0
    let closing = false
    fastify.decorate('warmedUp', () => done)
    if (done) return pass.retire()
    fastify.addHook('preClose', (next) => {
      closing = true
      next()
    })
    fastify.addHook('onListen', (next) => {
      const address = fastify.server.address()
      if (address === null || typeof address === 'string') finish()
      else setImmediate(() => { start(ownOrigin(address)) })
      next()
    })

    function finish (): void {
      pass.retire()
      done = true
    }

    function start (origin: string): void {
      const started = performance.now()
      warmUp(origin, pass, requests, () => closing).then(
        ({ sent, failed }) => {
          if (closing) return
          fastify.log.info({ requests: sent, failed, ms: Math.round(performance.now() - started) }, 'warmed up: ready for traffic')
          if (failed > 0) fastify.log.warn({ failed }, 'some warm-up reads were answered with an error')
        },
        (error: unknown) => { if (!closing) fastify.log.warn({ err: error }, 'a warm-up read failed; ready anyway') }
      ).finally(finish)
    }
  },
  { name: 'warm-up', dependencies: ['config'] }
)
