import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { TestIssuer } from './issuer.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** The environment of an app that trusts `issuer`, as a production deployment would set it. */
export function issuerEnv (issuer: TestIssuer, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: ':memory:',
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience,
    ...env
  }
}

/** The real app (same buildApp and server options as `npm start`), closed when the test ends. */
export async function startApp (t: Teardown, issuer: TestIssuer, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildApp(loadConfig(issuerEnv(issuer, env)))
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** A local issuer, closed when the test ends. */
export async function startIssuer (t: Teardown): Promise<TestIssuer> {
  const issuer = await TestIssuer.start()
  t.teardown(() => issuer.close())
  return issuer
}

export function bearer (token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}
