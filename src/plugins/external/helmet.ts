import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyHelmetOptions } from '@fastify/helmet'
import helmet from 'helmet'

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
    // Its per-request hooks apply no header: SECURITY_HEADERS does (src/http/response-headers.ts).
    global: false,
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
 * The headers helmet sends with `helmetOptions()`, computed once by running helmet itself:
 * @fastify/helmet rebuilds helmet's middleware on every request (see bench/README.md), so
 * every answer gets this one object instead, also those written before any hook runs.
 */
export function securityHeaders (options: FastifyHelmetOptions = helmetOptions()): Readonly<Record<string, string>> {
  const { global: _global, enableCSPNonces: _nonces, ...settings } = options
  const headers: Record<string, string> = {}
  const collector = {
    setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: () => {}
  }
  helmet(settings as Parameters<typeof helmet>[0])({} as IncomingMessage, collector as unknown as ServerResponse, () => {})
  return Object.freeze(headers)
}

export const SECURITY_HEADERS = securityHeaders()
