import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import Fastify from 'fastify'
import t from 'tap'
import { SECURITY_HEADERS } from '../../../src/http/security-headers.js'
import { startApp, startIssuer } from '../../helpers/app.js'

// @fastify/helmet configured for a JSON API: its headers for HTML documents left off.
const HELMET_OPTIONS: FastifyHelmetOptions = {
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

// Helmet's headers for HTML documents, which HELMET_OPTIONS leaves off.
const HTML_ONLY = [
  'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy',
  'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection'
]

function securityHeaders (headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, headers[name]]))
}

t.test('SECURITY_HEADERS are what @fastify/helmet sends for a JSON API, no more and no less', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(helmet, HELMET_OPTIONS)
  app.get('/', async () => ({}))
  const { headers } = await app.inject({ method: 'GET', url: '/' })
  const fromHelmet = Object.fromEntries(Object.entries(headers).filter(([name]) => !['content-type', 'content-length', 'date', 'connection', 'keep-alive'].includes(name)))
  t.same(fromHelmet, SECURITY_HEADERS)
})

t.test('every answer carries the four security headers, as @fastify/helmet would send them', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  for (const url of ['/health', '/products', '/products/999', '/nope']) {
    const res = await app.inject({ method: 'GET', url })
    t.same(securityHeaders(res.headers), SECURITY_HEADERS, `${url} (${res.statusCode})`)
    t.same(HTML_ONLY.filter((name) => name in res.headers), [], `${url}: none of the headers for HTML documents`)
  }
  t.match(SECURITY_HEADERS['content-security-policy'], /default-src 'none'/, 'nothing may run')
  t.equal(SECURITY_HEADERS['x-content-type-options'], 'nosniff')
})

t.test('/docs: the Swagger UI policy in place of the API\'s, on its pages and static files only', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { AUTH0_CLIENT_ID: 'spaClient123' })
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  const policy = String(docs.headers['content-security-policy'])
  t.match(policy, /default-src 'self'/, 'Swagger UI may load its own files')
  t.match(policy, /script-src 'self'/)
  t.match(policy, /style-src 'self' 'unsafe-inline'/, 'React sets inline styles')
  t.notMatch(policy, /nonce-/, 'no nonce: it would make browsers ignore unsafe-inline')
  t.match(policy, new RegExp(`form-action 'self' ${new URL(issuer.url).origin}`), 'the Auth0 sign-in form may post to the issuer')
  t.notMatch(policy, /upgrade-insecure-requests/, 'no upgrade: /docs must work over plain http on localhost')
  const { 'content-security-policy': _docs, ...others } = securityHeaders(docs.headers)
  const { 'content-security-policy': _api, ...expected } = SECURITY_HEADERS
  t.same(others, expected, 'the other security headers as on every answer')

  const redirect = await app.inject({ method: 'GET', url: '/docs/static/oauth2-redirect.html' })
  t.equal(redirect.statusCode, 200)
  t.equal(redirect.headers['content-security-policy'], policy, 'the page Auth0 sends the sign-in back to (a static file) may run its script too')

  const after = await app.inject({ method: 'GET', url: '/products' })
  t.equal(after.headers['content-security-policy'], SECURITY_HEADERS['content-security-policy'], 'the next JSON answer has the API policy again')
})
