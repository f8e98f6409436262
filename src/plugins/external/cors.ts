import type { FastifyCorsOptions } from '@fastify/cors'
import { type Config, corsOrigins } from '../../config.js'

const RATE_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']

/** CORS for CORS_ORIGINS only; false when none are configured (same-origin only, no hook at all). */
export function corsOptions (config: Config): FastifyCorsOptions | false {
  const origin = corsOrigins(config)
  if (origin === false) return false
  return {
    origin,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Idempotent-Replayed', ...RATE_HEADERS],
    // Bearer tokens, never cookies: credentials stay off.
    credentials: false,
    maxAge: 600
  }
}
