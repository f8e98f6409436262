/**
 * The headers @fastify/helmet sends with `helmetOptions` (plugins/external/helmet.ts), written
 * out for the two answers no hook sees: what Node's HTTP parser refuses (client-error.ts) and
 * what Fastify's router refuses (frameworkErrors). A test checks they are what the plugin sends.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN'
})
