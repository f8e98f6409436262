import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * @fastify/helmet's options: the security headers every answer carries (404s and errors too),
 * what OWASP's REST cheat sheet lists for a JSON API. No content may run or be framed (CSP,
 * X-Frame-Options), no MIME sniffing, HTTPS only (HSTS). Helmet's other headers (COOP, CORP,
 * Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) govern HTML documents; on JSON they
 * only cost every answer bytes. /docs applies its own policy on top (see swagger.ts).
 * src/http/security-headers.ts writes out what these options send, for the answers no hook sees.
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
