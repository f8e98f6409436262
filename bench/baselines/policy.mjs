// Baseline (a), the same per-response policy as the API built from stock plugins, around the
// same routes as the bare baseline: @fastify/helmet with the four headers the API sends
// (SECURITY_HEADERS in src/http/security-headers.ts), @fastify/rate-limit with the API's read budget in
// preHandler and its draft-spec headers (probes exempt), an X-Request-Id header, and a pino
// logger at LOG_LEVEL writing one line per request from onResponse.
//   PORT=... DATABASE_URL=... PUBLIC_KEY_PEM=... LOG_LEVEL=warn RATE_LIMIT_READS=600 node bench/baselines/policy.mjs
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import Fastify, { LogController } from 'fastify'
import { openSource, registerRoutes, serve } from './common.mjs'

const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false
}

const app = Fastify({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  logController: new LogController({ disableRequestLogging: true })
})
await app.register(helmet, HELMET_OPTIONS)
app.addHook('onRequest', (request, reply, done) => {
  reply.header('x-request-id', request.id)
  done()
})
// Only where LOG_LEVEL prints it, as the API does: a hook that logs nothing would cost (a) a promise per request.
if (app.log.isLevelEnabled('info')) {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime }, 'request completed')
  })
}
await app.register(rateLimit, {
  global: true,
  hook: 'preHandler',
  timeWindow: 60_000,
  enableDraftSpec: true,
  max: Number(process.env.RATE_LIMIT_READS ?? 600)
})
registerRoutes(app, {
  source: await openSource(process.env.DATABASE_URL),
  publicKeyPem: process.env.PUBLIC_KEY_PEM,
  roleClaim: process.env.ROLE_CLAIM,
  probe: { config: { rateLimit: false } }
})
await serve(app)
