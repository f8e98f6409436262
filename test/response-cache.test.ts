// The read path's precomputed part: the security headers.
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import Fastify from 'fastify'
import t from 'tap'
import { helmetOptions, SECURITY_HEADERS } from '../src/plugins/external/helmet.js'

t.test('the precomputed security headers are exactly what stock @fastify/helmet sends with our options', async (t) => {
  const app = Fastify()
  // Its own copy of helmet has types of its own; the options are the same object.
  await app.register(helmet, { ...helmetOptions(), global: true } as FastifyHelmetOptions)
  app.get('/', async () => ({}))
  const res = await app.inject('/')
  const sent = Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, res.headers[name]]))
  t.same(sent, SECURITY_HEADERS)
  for (const name of ['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options']) t.ok(SECURITY_HEADERS[name], name)
  await app.close()
})
