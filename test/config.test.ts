import t from 'tap'
import { ConfigError, EnvSchema, issuerSettings, loadConfig, settingSecrecy, trustProxy, withoutSecrets } from '../src/config.js'

const AUDIENCE = 'https://store-api.test/'

/** The `t` a subtest callback receives. */
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

/** Runs loadConfig(env) and returns the ConfigError it throws (failing the test if it does not). */
function configError (t: TestContext, env: Record<string, string>): ConfigError | null {
  try {
    loadConfig(env)
  } catch (error) {
    t.type(error, ConfigError, `${JSON.stringify(env)} throws a ConfigError`)
    return error instanceof ConfigError ? error : null
  }
  t.fail(`${JSON.stringify(env)} was accepted`)
  return null
}

/** The error is one line that names `variable` as a whole word. */
function assertNames (t: TestContext, error: ConfigError | null, variable: string, label: string): void {
  if (!error) return
  t.equal(error.name, 'ConfigError', `${label}: name`)
  t.notMatch(error.message, /[\r\n]/, `${label}: the message is one line`)
  t.match(error.message, new RegExp(`(^|[^A-Z0-9_])${variable}([^A-Z0-9_]|$)`), `${label}: the message names ${variable}`)
}

t.test('defaults: an empty environment is a working development setup', async (t) => {
  const config = loadConfig({})
  t.equal(config.PORT, 3000)
  t.equal(config.HOST, '127.0.0.1')
  t.equal(config.LOG_LEVEL, 'info')
  t.equal(config.NODE_ENV, 'development')
  t.equal(config.DATABASE_URL, 'file:./data/store.db')
  t.equal(config.DATABASE_POOL_SIZE, 20)
  t.equal(config.AUTH0_ROLE_CLAIM, 'https://store-api/roles')
  t.equal(config.AUTH0_ADMIN_ROLE, 'admin')
  t.equal(config.AUTH0_DOMAIN, undefined)
  t.equal(config.AUTH0_ISSUER_BASE_URL, undefined)
  t.equal(config.AUTH0_AUDIENCE, undefined)
  t.equal(issuerSettings(config), null, 'no issuer configured')
  t.equal(config.DATABASE_URL, 'file:./data/store.db', 'a SQLite file under ./data')
})

t.test('an empty variable counts as not set', async (t) => {
  const config = loadConfig({ PORT: '', LOG_LEVEL: '', AUTH0_DOMAIN: '', AUTH0_AUDIENCE: '' })
  t.equal(config.PORT, 3000)
  t.equal(config.LOG_LEVEL, 'info')
  t.equal(config.AUTH0_DOMAIN, undefined)
})

t.test('variables it does not know are ignored', async (t) => {
  const config = loadConfig({ PATH: '/usr/bin', SOMETHING_ELSE: 'x' }) as Record<string, unknown>
  t.notOk('PATH' in config)
  t.notOk('SOMETHING_ELSE' in config)
})

t.test('conversions from text', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    LOG_LEVEL: 'debug',
    NODE_ENV: 'test',
    DATABASE_URL: ':memory:',
    JWKS_TIMEOUT_MS: '2500',
    JWKS_COOLDOWN_SECONDS: '0.5',
    DEV_ISSUER_PORT: '0'
  })
  t.equal(config.PORT, 8080)
  t.equal(typeof config.PORT, 'number')
  t.equal(config.HOST, '0.0.0.0')
  t.equal(config.LOG_LEVEL, 'debug')
  t.equal(config.NODE_ENV, 'test')
  t.equal(config.JWKS_TIMEOUT_MS, 2500)
  t.equal(config.JWKS_COOLDOWN_SECONDS, 0.5)
  t.equal(config.DEV_ISSUER_PORT, 0)
  t.equal(config.DATABASE_URL, ':memory:')
  t.equal(loadConfig({ PORT: '0' }).PORT, 0, 'port 0 (any free port) is allowed')
  t.equal(loadConfig({ PORT: '65535' }).PORT, 65535)
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
    t.equal(loadConfig({ LOG_LEVEL: level }).LOG_LEVEL, level, `LOG_LEVEL ${level}`)
  }
  t.equal(loadConfig({ NODE_ENV: 'production', AUTH0_DOMAIN: 'tenant.eu.auth0.com', AUTH0_AUDIENCE: AUDIENCE }).NODE_ENV, 'production')
})

t.test('each bad value is a one-line ConfigError naming its variable', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DATABASE_URL: 'postgres://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'file:' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://user:pw@host' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://user@host/db' }, 'DATABASE_URL'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://' }, 'REDIS_URL'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ AUTH0_DOMAIN: 'not a domain', AUTH0_AUDIENCE: AUDIENCE }, 'AUTH0_DOMAIN'],
    [{ AUTH0_DOMAIN: 'tenant.us.auth0.com/evil', AUTH0_AUDIENCE: AUDIENCE }, 'AUTH0_DOMAIN'],
    [{ AUTH0_DOMAIN: 'tenant.us.auth0.com\nX-Injected: 1', AUTH0_AUDIENCE: AUDIENCE }, 'AUTH0_DOMAIN'],
    [{ AUTH0_ISSUER_BASE_URL: 'ftp://x', AUTH0_AUDIENCE: AUDIENCE }, 'AUTH0_ISSUER_BASE_URL'],
    [{ AUTH0_ISSUER_BASE_URL: 'https://', AUTH0_AUDIENCE: AUDIENCE }, 'AUTH0_ISSUER_BASE_URL'],
    [{ AUTH0_ISSUER_BASE_URL: 'https://tenant.us.auth0.com/?x=1', AUTH0_AUDIENCE: AUDIENCE }, 'AUTH0_ISSUER_BASE_URL'],
    [{ AUTH0_ISSUER_BASE_URL: 'https://user:pw@tenant.us.auth0.com/', AUTH0_AUDIENCE: AUDIENCE }, 'AUTH0_ISSUER_BASE_URL'],
    [{ JWKS_TIMEOUT_MS: '10' }, 'JWKS_TIMEOUT_MS'],
    [{ DEV_ISSUER_PORT: 'x' }, 'DEV_ISSUER_PORT']
  ]
  for (const [env, variable] of cases) {
    const label = JSON.stringify(env)
    assertNames(t, configError(t, env), variable, label)
  }
})

t.test('the first bad variable is reported even when several are bad', async (t) => {
  const error = configError(t, { PORT: 'abc', LOG_LEVEL: 'loud' })
  t.ok(error && /\b(PORT|LOG_LEVEL)\b/.test(error.message))
  t.notMatch(error?.message ?? '', /[\r\n]/)
})

t.test('AUTH0_AUDIENCE is required once an issuer is configured', async (t) => {
  assertNames(t, configError(t, { AUTH0_DOMAIN: 'tenant.us.auth0.com' }), 'AUTH0_AUDIENCE', 'domain without audience')
  assertNames(t, configError(t, { AUTH0_ISSUER_BASE_URL: 'https://tenant.us.auth0.com' }), 'AUTH0_AUDIENCE', 'base URL without audience')
  assertNames(
    t,
    configError(t, { NODE_ENV: 'production', AUTH0_DOMAIN: 'tenant.us.auth0.com' }),
    'AUTH0_AUDIENCE',
    'production domain without audience'
  )
  t.ok(loadConfig({ AUTH0_DOMAIN: 'tenant.us.auth0.com', AUTH0_AUDIENCE: AUDIENCE }), 'with an audience it loads')
  t.ok(loadConfig({ AUTH0_AUDIENCE: AUDIENCE }), 'an audience alone is fine (it is used by the development issuer)')
})

t.test('AUTH0_DOMAIN and AUTH0_ISSUER_BASE_URL together are refused', async (t) => {
  const error = configError(t, {
    AUTH0_DOMAIN: 'tenant.us.auth0.com',
    AUTH0_ISSUER_BASE_URL: 'https://tenant.us.auth0.com/',
    AUTH0_AUDIENCE: AUDIENCE
  })
  t.notMatch(error?.message ?? '', /[\r\n]/)
  t.match(error?.message ?? '', /AUTH0_DOMAIN/)
  t.match(error?.message ?? '', /AUTH0_ISSUER_BASE_URL/)
})

t.test('http:// issuers only on loopback', async (t) => {
  for (const url of ['http://127.0.0.1:4000', 'http://localhost:4000/', 'http://[::1]:4000/', 'https://example.com', 'https://example.com/tenant/']) {
    const config = loadConfig({ AUTH0_ISSUER_BASE_URL: url, AUTH0_AUDIENCE: AUDIENCE })
    t.equal(config.AUTH0_ISSUER_BASE_URL, url, `${url} is accepted`)
  }
  for (const url of ['http://example.com', 'http://example.com/', 'http://10.0.0.1/', 'http://127.0.0.1.example.com/', 'http://localhost.evil.com/']) {
    assertNames(t, configError(t, { AUTH0_ISSUER_BASE_URL: url, AUTH0_AUDIENCE: AUDIENCE }), 'AUTH0_ISSUER_BASE_URL', `${url} is refused`)
  }
})

t.test('production refuses to start without an issuer', async (t) => {
  const error = configError(t, { NODE_ENV: 'production' })
  assertNames(t, error, 'AUTH0_DOMAIN', 'production without issuer')
  t.match(error?.message ?? '', /production/)
  t.ok(loadConfig({ NODE_ENV: 'production', AUTH0_ISSUER_BASE_URL: 'https://tenant.us.auth0.com', AUTH0_AUDIENCE: AUDIENCE }))
  t.equal(loadConfig({ NODE_ENV: 'development' }).NODE_ENV, 'development', 'development runs the dev issuer instead')
  t.equal(loadConfig({ NODE_ENV: 'test' }).NODE_ENV, 'test')
})

t.test('issuerSettings normalises the issuer as Auth0 writes it in iss', async (t) => {
  t.same(issuerSettings(loadConfig({ AUTH0_DOMAIN: 'tenant.us.auth0.com', AUTH0_AUDIENCE: AUDIENCE })), {
    issuer: 'https://tenant.us.auth0.com/',
    audience: AUDIENCE
  })
  t.same(issuerSettings(loadConfig({ AUTH0_ISSUER_BASE_URL: 'https://login.example.com', AUTH0_AUDIENCE: AUDIENCE })), {
    issuer: 'https://login.example.com/',
    audience: AUDIENCE
  }, 'a trailing slash is added')
  t.same(issuerSettings(loadConfig({ AUTH0_ISSUER_BASE_URL: 'https://login.example.com/', AUTH0_AUDIENCE: AUDIENCE })), {
    issuer: 'https://login.example.com/',
    audience: AUDIENCE
  }, 'an existing trailing slash is not doubled')
  t.equal(
    issuerSettings(loadConfig({ AUTH0_ISSUER_BASE_URL: 'https://login.example.com/tenant', AUTH0_AUDIENCE: AUDIENCE }))?.issuer,
    'https://login.example.com/tenant/',
    'a path keeps its segments and gets the trailing slash'
  )
  t.equal(
    issuerSettings(loadConfig({ AUTH0_ISSUER_BASE_URL: 'http://127.0.0.1:4000', AUTH0_AUDIENCE: AUDIENCE }))?.issuer,
    'http://127.0.0.1:4000/'
  )
  t.equal(issuerSettings(loadConfig({})), null)
  t.equal(issuerSettings(loadConfig({ AUTH0_AUDIENCE: AUDIENCE })), null, 'an audience alone is not an issuer')
})

t.test('DATABASE_URL takes SQLite or PostgreSQL; its password never reaches a message', async (t) => {
  for (const url of ['file:./data/store.db', ':memory:', 'postgres://store:s3cret@db.internal:5432/store', 'postgresql://db/store']) {
    t.equal(loadConfig({ DATABASE_URL: url }).DATABASE_URL, url)
  }
  const error = configError(t, { DATABASE_URL: 'postgres://store:s3cret@db.internal' })
  t.notMatch(error?.message ?? '', /s3cret/, 'the password is not echoed')
  const typo = configError(t, { DATABASE_URL: 'postgress://store:s3cret@db/store' })
  t.match(typo?.message ?? '', /DATABASE_URL/)
  t.notMatch(typo?.message ?? '', /s3cret/, 'nor when the scheme is wrong')
})

t.test('TRUST_PROXY: off by default, true, a hop count or a list', async (t) => {
  t.equal(trustProxy(loadConfig({})), false)
  t.equal(trustProxy(loadConfig({ TRUST_PROXY: 'true' })), true)
  const oneHop = trustProxy(loadConfig({ TRUST_PROXY: '1' }))
  t.ok(typeof oneHop === 'function' && oneHop('10.0.0.1', 0) && !oneHop('10.0.0.2', 1), 'one hop: only the nearest proxy is trusted')
  t.same(trustProxy(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' })), ['10.0.0.0/8', '127.0.0.1'])
})

// TypeBox's Value.Convert alone would read '1e3' as 1 and 'false' as 0 (any free port).
t.test('numbers that are not plain integers are refused', async (t) => {
  for (const value of ['8080.5', '1e3', 'true', 'false', '0x50']) {
    t.throws(() => loadConfig({ PORT: value }), ConfigError, `PORT ${JSON.stringify(value)} is refused`)
  }
  const error = configError(t, { JWKS_TIMEOUT_MS: '5e3' })
  t.match(error?.message ?? '', /"5e3"/, 'the message quotes what was typed, not "(got 5)"')
  const range = configError(t, { PORT: '70000' })
  t.match(range?.message ?? '', /\(got "70000"\)/, 'an out-of-range value is quoted as typed')
})

// Every setting that can hold a credential, with invalid values that carry one: [setting, value, what must never be printed].
const SECRET_CASES: Array<[string, string, string]> = [
  ['METRICS_TOKEN', 'correct horse battery staple 42', 'correct horse'],
  ['METRICS_TOKEN', 'sh0rt-s3cret', 'sh0rt-s3cret'],
  ['METRICS_TOKEN', `Tok3n${'x'.repeat(300)}`, 'Tok3n'],
  ['METRICS_TOKEN', 'n0n-ascii-s3cret-éééééééé', 'n0n-ascii'],
  ['DATABASE_URL', 'mysql://store:hunter2@db/store', 'hunter2'],
  ['DATABASE_URL', 'postgress://store:p@ss/w#rd?x@db/store', 'ss/w#rd'],
  ['DATABASE_URL', 'store:hunter2@db/store', 'hunter2'],
  ['DATABASE_URL', 'postgres://store:hunter2@db', 'hunter2'],
  ['DATABASE_URL', 'pg://db/store?password=hunter2', 'hunter2'],
  ['REDIS_URL', 'http://:hunter2@cache:6379', 'hunter2'],
  ['REDIS_URL', 'redis://user:hunter2@', 'hunter2'],
  ['REDIS_URL', 'cache:hunter2@6379', 'hunter2'],
  ['AUTH0_ISSUER_BASE_URL', 'ftp://user:hunter2@tenant.example/', 'hunter2'],
  ['AUTH0_ISSUER_BASE_URL', 'https://user:hunter2@tenant.example/', 'hunter2'],
  ['AUTH0_LOGOUT_RETURN_TO', 'ftp://user:hunter2@shop.example/', 'hunter2']
]

t.test('no configuration error prints a secret setting\'s value, nor a URL\'s password', async (t) => {
  for (const [setting, value, hidden] of SECRET_CASES) {
    const env: Record<string, string> = { [setting]: value }
    if (setting.startsWith('AUTH0_')) env.AUTH0_AUDIENCE = AUDIENCE
    const label = `${setting}=${JSON.stringify(value.slice(0, 40))}`
    const error = configError(t, env)
    assertNames(t, error, setting, label)
    t.notOk(error?.message.includes(hidden), `${label}: ${JSON.stringify(hidden)} is not printed (${error?.message})`)
  }
  const typed = configError(t, { DATABASE_URL: 'mysql://store:hunter2@db/store' })
  t.match(typed?.message ?? '', /\(got "mysql:\/\/store:\*\*\*@db\/store"\)/, 'a URL is still shown, its password masked')
})

t.test('every setting that can hold a credential is marked secret in the schema', async (t) => {
  const settings = Object.keys(EnvSchema.properties)
  for (const setting of settings) {
    if (/TOKEN|SECRET|PASSWORD|(?<!_)KEY$|PRIVATE/.test(setting)) t.equal(settingSecrecy(setting), 'value', `${setting} is never shown`)
    else if (/_URL$|RETURN_TO$/.test(setting)) t.equal(settingSecrecy(setting), 'url', `${setting} is shown with its password masked`)
  }
  t.same(settings.filter((setting) => settingSecrecy(setting) !== null).sort(),
    ['AUTH0_ISSUER_BASE_URL', 'AUTH0_LOGOUT_RETURN_TO', 'DATABASE_URL', 'METRICS_TOKEN', 'REDIS_URL'])
  t.equal(settingSecrecy('PORT'), null)
})

t.test('withoutSecrets cuts every secret setting\'s value out of a message it did not write', async (t) => {
  const env = { METRICS_TOKEN: 'tok-0123456789abcdef', DATABASE_URL: 'postgres://u:p%40ss@db/store', REDIS_URL: 'redis://:hunter2@cache', PORT: '3000' }
  const message = 'driver said: tok-0123456789abcdef, p%40ss, p@ss and hunter2 at port 3000 for postgres://nobody@db/x'
  t.equal(withoutSecrets(message, env), 'driver said: ***, ***, *** and *** at port 3000 for postgres://nobody@db/x')
  t.equal(withoutSecrets('nothing secret', {}), 'nothing secret')
})
