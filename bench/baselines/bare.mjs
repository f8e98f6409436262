// Baseline (b), the bare parts: bare Fastify, the routes of common.mjs, and the per-response
// policy every baseline must carry, written by hand as cheaply as we know how, with no plugin:
// - the four security headers (the API's values) and X-Request-Id, from one callback hook;
// - the read budget per client IP, IPv6 by /64 (a fixed window in a Map), with the draft-spec RateLimit
//   headers, on every route but the probe, answering 429 past it;
// - pino at LOG_LEVEL, one line per request from onResponse when that level prints it;
// - the API's server timeouts.
// Comparing the API with bare Fastify that skips the policy measures the policy, not our code;
// floor.mjs is that, for information.
//   PORT=... DATABASE_URL=... PUBLIC_KEY_PEM=... LOG_LEVEL=warn RATE_LIMIT_READS=600 node bench/baselines/bare.mjs
import { normalizeIP } from '@fastify/rate-limit'
import Fastify, { LogController } from 'fastify'
import { openSource, registerRoutes, serve } from './common.mjs'

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN'
}
const WINDOW_MS = 60_000
const MAX_READS = Number(process.env.RATE_LIMIT_READS ?? 600)

const app = Fastify({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  logController: new LogController({ disableRequestLogging: true }),
  requestTimeout: 30_000,
  connectionTimeout: 60_000,
  keepAliveTimeout: 72_000
})

app.addHook('onRequest', (request, reply, done) => {
  reply.headers(SECURITY_HEADERS).header('x-request-id', request.id)
  done()
})

if (app.log.isLevelEnabled('info')) {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime }, 'request completed')
    done()
  })
}

/** Per client IP: how many reads in the current window, and when the window ends. */
const budgets = new Map()
setInterval(() => {
  const now = Date.now()
  for (const [ip, budget] of budgets) if (budget.resetAt <= now) budgets.delete(ip)
}, WINDOW_MS).unref()

function countRead (request, reply, done) {
  const now = Date.now()
  const key = normalizeIP(request.ip)
  let budget = budgets.get(key)
  if (budget === undefined || budget.resetAt <= now) {
    budget = { count: 0, resetAt: now + WINDOW_MS }
    budgets.set(key, budget)
  }
  const reset = Math.ceil((budget.resetAt - now) / 1000)
  budget.count++
  reply.header('ratelimit-limit', MAX_READS).header('ratelimit-remaining', Math.max(0, MAX_READS - budget.count)).header('ratelimit-reset', reset)
  if (budget.count <= MAX_READS) return done()
  reply.code(429).header('retry-after', reset).type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, detail: `Too many requests; retry in ${reset} seconds.` }))
}

registerRoutes(app, {
  source: await openSource(process.env.DATABASE_URL),
  publicKeyPem: process.env.PUBLIC_KEY_PEM,
  roleClaim: process.env.ROLE_CLAIM,
  read: { onRequest: countRead }
})
await serve(app)
