import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
// A CommonJS module: its plugin is the namespace's default.
import metricsModule from 'fastify-metrics'
import { Registry } from 'prom-client'
import { HttpProblem } from '../../http/problem.js'
import { sameSecret } from '../../lib/same-secret.js'

/**
 * GET /metrics in Prometheus text format, through fastify-metrics: request counts and latency
 * histograms per route and status, plus the process metrics. Registered only when
 * METRICS_TOKEN is set (its hooks cost every request), and answered only to that bearer token.
 * Each app has its own registry, so several apps in one process never collide. Registered
 * after the auth plugin: a refused token spends its failed-authentication budget.
 */
export async function registerMetrics (fastify: FastifyInstance, token: string): Promise<void> {
  const register = new Registry()
  const expected = `Bearer ${token}`
  await fastify.register(metricsModule.default, {
    endpoint: {
      method: 'GET',
      url: '/metrics',
      schema: { hide: true },
      config: { rateLimit: false },
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        if (!sameSecret(request.headers.authorization ?? '', expected)) {
          // A wrong token is a failed authentication like any other: it spends the same budget.
          throw await fastify.failedAuthentication(request, new HttpProblem(401, 'GET /metrics needs the METRICS_TOKEN bearer token.', {
            headers: { 'www-authenticate': 'Bearer realm="metrics"' }
          }))
        }
        reply.header('cache-control', 'no-store')
      },
      handler: async (_request: FastifyRequest, reply: FastifyReply) => {
        return reply.type(register.contentType).send(await register.metrics())
      }
    },
    defaultMetrics: { enabled: true, register },
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      registeredRoutesOnly: true,
      groupStatusCodes: false,
      routeBlacklist: ['/metrics'],
      overrides: {
        histogram: { registers: [register], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] },
        // Made even when disabled: in its own registry, or a second app in the process collides.
        summary: { registers: [register] }
      }
    }
  })
}
