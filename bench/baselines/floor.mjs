// Baseline (c), the floor: bare Fastify with none of the per-response policy (no logger, no
// hooks), the routes of common.mjs. Not a target: the distance from (b) to (c) is what the
// policy itself costs when written as cheaply as we know how.
//   PORT=<port> DATABASE_URL=<file:path | postgres://...> PUBLIC_KEY_PEM=<PEM> node bench/baselines/floor.mjs
import Fastify from 'fastify'
import { openSource, registerRoutes, serve } from './common.mjs'

const app = Fastify({ logger: false })
registerRoutes(app, { source: await openSource(process.env.DATABASE_URL), publicKeyPem: process.env.PUBLIC_KEY_PEM, roleClaim: process.env.ROLE_CLAIM })
await serve(app)
