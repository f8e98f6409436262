import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * @fastify/helmet's options: the security headers every answer carries (404s and errors too),
 * what OWASP's REST cheat sheet lists for a JSON API. No content may run or be framed (CSP,
 * X-Frame-Options), no MIME sniffing, HTTPS only (HSTS). Helmet's other headers (COOP, CORP,
 * Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) govern HTML documents; on JSON they
 * only cost every answer bytes. /docs applies its own policy on top (see swagger.ts).
 */
export const helmetOptions: FastifyHelmetOptions = {
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

/**
 * The headers @fastify/helmet sends with `helmetOptions`, written out for the two answers no
 * hook sees: what Node's HTTP parser refuses (client-error.ts) and what Fastify's router
 * refuses (frameworkErrors). A test checks they are what the plugin sends.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN'
})
