import { type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify'
import { type Config, trustProxy } from '../config.js'
import { errorHandler } from './error-handler.js'
import { SECURITY_HEADERS } from './security-headers.js'
import { clientErrorHandler } from './client-error.js'
import { requestIds } from './request-id.js'

const JSON_BODY_LIMIT = 1024 * 1024

// Errors the router raises before any route or hook runs (bad URL encoding, oversized params):
// the hooks that set these headers on every other answer have not run.
function frameworkErrorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.headers(SECURITY_HEADERS).header('x-request-id', request.id)
  errorHandler(error, request, reply)
}

/** Fastify's server options for this config; tests use the same ones as `npm start`. */
export function serverOptions (config: Config): FastifyServerOptions {
  return {
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' }
    },
    // A caller's X-Request-Id is kept when it is short and plain, so traces can be joined up.
    requestIdHeader: false,
    genReqId: requestIds(),
    bodyLimit: JSON_BODY_LIMIT,
    // Fastify's requestTimeout 0 also turns off Node's own limit: a client sending slowly would
    // hold its socket for ever. Limits and hardening in the README explains the three.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A request that still reaches the router once close() began (it was on the wire) is served,
    // with Connection: close, not refused: the app stays whole until its requests are done.
    return503OnClosing: false,
    // Fastify 5's default, said out loud: close() ends idle keep-alive connections at once and
    // lets the ones carrying a request finish it (src/server.ts bounds how long).
    forceCloseConnections: 'idle',
    // Behind a load balancer, the client's address (for the per-IP budgets) comes from X-Forwarded-For.
    trustProxy: trustProxy(config),
    // Fastify's two lines per request give way to the one onResponse line (request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler
  }
}
