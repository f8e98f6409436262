import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * The security headers every response carries (404s and errors too): what OWASP's REST cheat
 * sheet lists for a JSON API. No content may run or be framed (CSP, X-Frame-Options), no MIME
 * sniffing, HTTPS only (HSTS). Helmet's other headers (COOP, CORP, Origin-Agent-Cluster,
 * Referrer-Policy, X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies,
 * X-XSS-Protection) govern HTML documents; on JSON they only cost every response bytes and time.
 * /docs sets its own policy (see swagger.ts).
 */
export function helmetOptions (): FastifyHelmetOptions {
  return {
    global: true,
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
}

/**
 * The same headers as fixed values, for the answers written before any hook runs (Node's
 * parser errors, the router's 414): helmet sends exactly these on every other response, and a
 * test compares the two.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN'
})
