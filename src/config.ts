import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { redactCredentials, urlPasswords } from './lib/redact-url.js'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * How much of a setting's value an error may show: 'value' marks a secret never shown at all
 * (tokens, keys); 'url' a URL shown with its password and credential parameters masked.
 * Unmarked settings are shown as typed. Read by settingSecrecy().
 */
export type Secrecy = 'value' | 'url'
const secret = (secrecy: Secrecy) => ({ secret: secrecy })

export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union(
    [Type.Literal('development'), Type.Literal('production'), Type.Literal('test')],
    { default: 'development' }
  ),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' }
  ),
  // file:<path> or :memory: for the embedded SQLite; postgres://user@host:5432/db for PostgreSQL.
  DATABASE_URL: Type.String({ pattern: '^(file:.+|:memory:|postgres(ql)?://.+)$', default: 'file:./data/store.db', ...secret('url') }),
  // PostgreSQL connections per replica; mind the server's max_connections times the replicas.
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
  // Shared rate budgets across replicas; without it, budgets are counted per process.
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://.+', ...secret('url') })),
  // Starts every key this service writes in Redis, so several deployments (or tests) can share one.
  REDIS_KEY_PREFIX: Type.String({ maxLength: 200, default: 'store-api:' }),
  // Enables GET /metrics (Prometheus text), answered only to `Authorization: Bearer <METRICS_TOKEN>`.
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 256, pattern: '^[\\x21-\\x7e]+$', ...secret('value') })),
  // Behind a load balancer: true, a hop count, or comma-separated addresses/CIDRs to trust X-Forwarded-For from.
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  AUTH0_DOMAIN: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$' })
  ),
  AUTH0_ISSUER_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://', ...secret('url') })),
  AUTH0_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  AUTH0_ROLE_CLAIM: Type.String({ minLength: 1, default: 'https://store-api/roles' }),
  AUTH0_ADMIN_ROLE: Type.String({ minLength: 1, default: 'admin' }),
  // An Auth0 application's client id: enables Swagger UI sign-in and the Auth0 logout URL.
  AUTH0_CLIENT_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' })),
  AUTH0_LOGOUT_RETURN_TO: Type.Optional(Type.String({ pattern: '^https?://', ...secret('url') })),
  USERINFO_TTL_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 600 }),
  USERINFO_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 1500 }),
  // Bounds on how hard a token can make us lean on the issuer's JWKS endpoint.
  JWKS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  JWKS_COOLDOWN_SECONDS: Type.Number({ minimum: 0, maximum: 3600, default: 30 }),
  // Requests per minute: reads per client IP, writes per token subject, failed authentications per client IP.
  RATE_LIMIT_READS: Type.Integer({ minimum: 1, default: 600 }),
  RATE_LIMIT_WRITES: Type.Integer({ minimum: 1, default: 120 }),
  RATE_LIMIT_AUTH_FAILURES: Type.Integer({ minimum: 1, default: 30 }),
  // Comma-separated origins allowed to call the API from a browser; * for any; empty for none.
  CORS_ORIGINS: Type.String({ default: '' }),
  // After SIGTERM: how long /ready answers 503 while requests are still served, before closing.
  // At least the balancer's check interval × fall (deploy/haproxy.cfg: 500 ms × 2), with room.
  SHUTDOWN_DRAIN_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 3000 }),
  DEV_ISSUER_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  DEV_ISSUER_STATE: Type.String({ minLength: 1, default: './data/dev-issuer.json' })
})

export type Config = Static<typeof EnvSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The issuer and audience every token is checked against, or null when none is configured. */
export interface IssuerSettings {
  issuer: string
  audience: string
}

/**
 * Validates the environment against EnvSchema and the rules that span several variables.
 * Throws a ConfigError whose message is one line naming the offending variable.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const known: Record<string, string> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    // An empty variable means "not set", as it does for most twelve-factor tools.
    if (value !== undefined && value !== '') known[key] = value
  }
  // Value.Convert is lenient ('1e3', 'true' and '0x50' all become numbers): numbers must look like numbers.
  for (const [key, text] of Object.entries(known)) {
    const type = (EnvSchema.properties as Record<string, { type?: string }>)[key]?.type
    if ((type === 'integer' && !/^-?\d+$/.test(text)) || (type === 'number' && !/^-?\d+(\.\d+)?$/.test(text))) {
      throw new ConfigError(`Invalid environment variable ${key}: expected ${type === 'integer' ? 'a whole number' : 'a number'}${shown(key, text)}`)
    }
  }
  const candidate = Value.Convert(EnvSchema, Value.Default(EnvSchema, { ...known }))
  const firstError = Value.Errors(EnvSchema, candidate).First()
  if (firstError) {
    const variable = firstError.path.replace(/^\//, '').split('/')[0] ?? ''
    const text = known[variable]
    throw new ConfigError(`Invalid environment variable ${variable}: ${describe(firstError.message)}${text === undefined ? '' : shown(variable, text)}`)
  }
  const config = candidate as Config
  checkIssuer(config)
  checkUrls(config)
  return config
}

/** The secrecy EnvSchema marks `setting` with, or null when its value may be shown as typed. */
export function settingSecrecy (setting: string): Secrecy | null {
  const schema = (EnvSchema.properties as Record<string, { secret?: Secrecy }>)[setting]
  return schema?.secret ?? null
}

/** A setting's value as an error may show it, by its marked secrecy: ' (got "...")', or nothing of a secret. */
function shown (setting: string, text: string): string {
  const secrecy = settingSecrecy(setting)
  if (secrecy === 'value') return ' (the value is secret: not shown)'
  return ` (got ${JSON.stringify(secrecy === 'url' ? redactCredentials(text) : text)})`
}

/**
 * `text` with the value of every secret setting set in `env` cut out: a token whole, a URL's
 * password. The last guard for a message this code did not write (a driver's, say).
 */
export function withoutSecrets (text: string, env: NodeJS.ProcessEnv = process.env): string {
  let result = text
  for (const setting of Object.keys(EnvSchema.properties)) {
    const value = env[setting]
    const secrecy = settingSecrecy(setting)
    if (!value || secrecy === null) continue
    const secrets = secrecy === 'value' ? [value] : urlPasswords(value)
    for (const secret of secrets) result = result.replaceAll(secret, '***')
  }
  return result
}

function describe (message: string): string {
  const text = message.replace(/^Expected union value$/, 'not one of the allowed values')
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function checkIssuer (config: Config): void {
  if (config.AUTH0_DOMAIN && config.AUTH0_ISSUER_BASE_URL) {
    throw new ConfigError('Invalid environment variable AUTH0_ISSUER_BASE_URL: set either AUTH0_DOMAIN or AUTH0_ISSUER_BASE_URL, not both')
  }
  if (config.AUTH0_ISSUER_BASE_URL) {
    let url: URL
    try {
      url = new URL(config.AUTH0_ISSUER_BASE_URL)
    } catch {
      throw new ConfigError('Invalid environment variable AUTH0_ISSUER_BASE_URL: not a valid URL')
    }
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      throw new ConfigError('Invalid environment variable AUTH0_ISSUER_BASE_URL: http:// is only allowed for loopback hosts (127.0.0.1, localhost, ::1)')
    }
    if (url.search || url.hash || url.username || url.password) {
      throw new ConfigError('Invalid environment variable AUTH0_ISSUER_BASE_URL: must not carry credentials, a query or a fragment')
    }
  }
  if (config.AUTH0_LOGOUT_RETURN_TO && !URL.canParse(config.AUTH0_LOGOUT_RETURN_TO)) {
    throw new ConfigError('Invalid environment variable AUTH0_LOGOUT_RETURN_TO: not a valid URL')
  }
  const hasIssuer = Boolean(config.AUTH0_DOMAIN || config.AUTH0_ISSUER_BASE_URL)
  if (hasIssuer && !config.AUTH0_AUDIENCE) {
    throw new ConfigError('Missing environment variable AUTH0_AUDIENCE: required when an issuer is configured')
  }
  if (!hasIssuer && config.NODE_ENV === 'production') {
    throw new ConfigError('Missing environment variable AUTH0_DOMAIN (or AUTH0_ISSUER_BASE_URL): production needs a real issuer')
  }
}

/** The configured issuer, normalised with the trailing slash Auth0 puts in `iss`; null means none. */
export function issuerSettings (config: Config): IssuerSettings | null {
  const base = config.AUTH0_ISSUER_BASE_URL ?? (config.AUTH0_DOMAIN ? `https://${config.AUTH0_DOMAIN}/` : undefined)
  if (!base || !config.AUTH0_AUDIENCE) return null
  const url = new URL(base)
  const issuer = url.href.endsWith('/') ? url.href : `${url.href}/`
  return { issuer, audience: config.AUTH0_AUDIENCE }
}

function checkUrls (config: Config): void {
  if (/^postgres(ql)?:/.test(config.DATABASE_URL)) {
    const url = URL.canParse(config.DATABASE_URL) ? new URL(config.DATABASE_URL) : null
    if (!url || !url.hostname || url.pathname.length < 2) {
      throw new ConfigError('Invalid environment variable DATABASE_URL: expected postgres://user[:password]@host[:port]/database')
    }
  }
  if (config.REDIS_URL !== undefined) {
    const url = URL.canParse(config.REDIS_URL) ? new URL(config.REDIS_URL) : null
    if (!url || !url.hostname) throw new ConfigError('Invalid environment variable REDIS_URL: expected redis://[user:password@]host[:port][/db]')
  }
}

/** TRUST_PROXY as Fastify's trustProxy takes it. */
export function trustProxy (config: Config): boolean | string[] | ((address: string, hop: number) => boolean) {
  const value = config.TRUST_PROXY?.trim()
  if (value === undefined || value === '' || value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    return (_address, hop) => hop < hops
  }
  return value.split(',').map((part) => part.trim()).filter(Boolean)
}

/**
 * Auth0's session logout (the tutorial's "log out from Auth0 too") on the issuer's origin,
 * or null unless a real issuer, AUTH0_CLIENT_ID and AUTH0_LOGOUT_RETURN_TO are all set.
 */
export function auth0LogoutUrl (config: Config): string | null {
  const settings = issuerSettings(config)
  if (!settings || !config.AUTH0_CLIENT_ID || !config.AUTH0_LOGOUT_RETURN_TO) return null
  const url = new URL('/v2/logout', new URL(settings.issuer).origin)
  url.searchParams.set('client_id', config.AUTH0_CLIENT_ID)
  url.searchParams.set('returnTo', config.AUTH0_LOGOUT_RETURN_TO)
  return url.href
}

/** CORS_ORIGINS as @fastify/cors takes it: false for none, true for any, or the list. */
export function corsOrigins (config: Config): boolean | string[] {
  const origins = config.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean)
  if (origins.length === 0) return false
  return origins.includes('*') ? true : origins
}
