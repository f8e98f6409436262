import type { IncomingMessage, ServerResponse } from 'node:http'
import helmet, { type HelmetOptions } from 'helmet'

/**
 * The security headers every response carries (404s and errors too): what OWASP's REST cheat
 * sheet lists for a JSON API. No content may run or be framed (CSP, X-Frame-Options), no MIME
 * sniffing, HTTPS only (HSTS). Helmet's other headers (COOP, CORP, Origin-Agent-Cluster,
 * Referrer-Policy, X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies,
 * X-XSS-Protection) govern HTML documents; on JSON they only cost every response bytes and time.
 * /docs sets its own policy (see swagger.ts).
 */
export function helmetOptions (): HelmetOptions {
  return {
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
 * The headers helmet sends with `helmetOptions()`, computed once by running helmet itself.
 * Not @fastify/helmet: it rebuilds helmet's middleware on every request, and even with
 * `global: false` adds two hooks (one async) to every request (see bench/README.md). Every
 * answer gets this one object instead, also those written before any hook runs.
 */
export function securityHeaders (options: HelmetOptions = helmetOptions()): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const collector = {
    setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: () => {}
  }
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => {})
  return Object.freeze(headers)
}

export const SECURITY_HEADERS = securityHeaders()
