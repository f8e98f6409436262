import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

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
  DATABASE_URL: Type.String({ pattern: '^(file:.+|:memory:)$', default: 'file:./data/store.db' }),
  AUTH0_DOMAIN: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$' })
  ),
  AUTH0_ISSUER_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  AUTH0_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  AUTH0_ROLE_CLAIM: Type.String({ minLength: 1, default: 'https://store-api/roles' }),
  AUTH0_ADMIN_ROLE: Type.String({ minLength: 1, default: 'admin' }),
  // Bounds on how hard a token can make us lean on the issuer's JWKS endpoint.
  JWKS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  JWKS_COOLDOWN_SECONDS: Type.Number({ minimum: 0, maximum: 3600, default: 30 }),
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
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known: Record<string, string> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    // An empty variable means "not set", as it does for most twelve-factor tools.
    if (value !== undefined && value !== '') known[key] = value
  }
  const candidate = Value.Convert(EnvSchema, Value.Default(EnvSchema, known))
  const firstError = Value.Errors(EnvSchema, candidate).First()
  if (firstError) {
    const variable = firstError.path.replace(/^\//, '').split('/')[0] ?? ''
    const shown = variable && known[variable] !== undefined ? ` (got ${JSON.stringify(known[variable])})` : ''
    throw new ConfigError(`Invalid environment variable ${variable}: ${describe(firstError.message)}${shown}`)
  }
  const config = candidate as Config
  checkIssuer(config)
  return config
}

function describe(message: string): string {
  return message.replace(/^Expected union value$/, 'not one of the allowed values').toLowerCase()
}

function checkIssuer(config: Config): void {
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
  const hasIssuer = Boolean(config.AUTH0_DOMAIN || config.AUTH0_ISSUER_BASE_URL)
  if (hasIssuer && !config.AUTH0_AUDIENCE) {
    throw new ConfigError('Missing environment variable AUTH0_AUDIENCE: required when an issuer is configured')
  }
  if (!hasIssuer && config.NODE_ENV === 'production') {
    throw new ConfigError('Missing environment variable AUTH0_DOMAIN (or AUTH0_ISSUER_BASE_URL): production needs a real issuer')
  }
}

/** The configured issuer, normalised with the trailing slash Auth0 puts in `iss`; null means none. */
export function issuerSettings(config: Config): IssuerSettings | null {
  const base = config.AUTH0_ISSUER_BASE_URL ?? (config.AUTH0_DOMAIN ? `https://${config.AUTH0_DOMAIN}/` : undefined)
  if (!base || !config.AUTH0_AUDIENCE) return null
  const url = new URL(base)
  const issuer = url.href.endsWith('/') ? url.href : `${url.href}/`
  return { issuer, audience: config.AUTH0_AUDIENCE }
}

/** `file:./data/store.db` -> `./data/store.db`; `:memory:` stays as it is. */
export function databasePath(config: Config): string {
  return config.DATABASE_URL === ':memory:' ? ':memory:' : config.DATABASE_URL.slice('file:'.length)
}
