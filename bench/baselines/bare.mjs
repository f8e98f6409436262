// Baseline (b), the bare parts: bare Fastify, no logger, no hooks, the routes of common.mjs.
//   PORT=<port> DATABASE_URL=<file:path | postgres://...> PUBLIC_KEY_PEM=<PEM> node bench/baselines/bare.mjs
import Fastify from 'fastify'
import { openSource, registerRoutes, serve } from './common.mjs'

const app = Fastify({ logger: false })
registerRoutes(app, { source: await openSource(process.env.DATABASE_URL), publicKeyPem: process.env.PUBLIC_KEY_PEM })
await serve(app)
