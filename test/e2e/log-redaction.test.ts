import { join } from 'node:path'
import t from 'tap'
import { redactUrl } from '../../src/lib/redact-url.js'
import { startIssuer } from '../helpers/app.js'
import { startServerProcess, tempDir, within } from '../helpers/process.js'

t.test('the request log masks every query parameter that can carry a credential', async (t) => {
  const issuer = await startIssuer(t)
  const dir = tempDir(t)
  const { proc: server, base } = await startServerProcess(t, issuer, { LOG_LEVEL: 'info', DATABASE_URL: `file:${join(dir, 'store.db')}` })

  const token = issuer.userToken()
  const secrets: Array<[string, string]> = [
    ['jwt', `/health?jwt=${token}`],
    ['access_token', `/health?access_token=${token}`],
    ['a percent-encoded name', '/health?acc%65ss_t%6Fken=opaque-secret-1'],
    ['an upper-case name', '/health?ID_TOKEN=opaque-secret-2'],
    ['a JWT under an innocent name', `/health?state=${token}`],
    ['a JWT with percent-encoded dots', `/health?x=${token.replaceAll('.', '%2E')}`],
    ['a JWT inside a URL parameter', `/health?next=${encodeURIComponent(`https://shop.example/cb?t=${token}`)}`],
    ['a bare JWT as the parameter', `/health?${token}`],
    ['password', '/health?password=opaque-secret-3'],
    ['passwd', '/health?passwd=opaque-secret-4'],
    ['api key', '/health?api-key=opaque-secret-5'],
    ['signature', '/health?X-Amz-Signature=opaque-secret-6'],
    ['session', '/health?sessionId=opaque-secret-7'],
    ['credential', '/health?X-Amz-Credential=opaque-secret-8'],
    ['code', '/health?code=opaque-secret-9'],
    ['client secret', '/health?client_secret=opaque-secret-10'],
    ['auth', '/health?Authorization=opaque-secret-11']
  ]
  for (const [, path] of [...secrets, ['control', '/health?q=lamp&limit=5']]) {
    const res = await fetch(`${base}${path}`)
    await res.body?.cancel()
  }
  server.child.kill('SIGTERM')
  await within(server.exited, 10_000, 'the server did not exit after SIGTERM')

  const log = server.stdout()
  const urls = log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg?: string; url?: string })
    .filter((record) => record.msg === 'request completed' && record.url?.startsWith('/health?')).map((record) => String(record.url))
  t.equal(urls.length, secrets.length + 1, 'every request was logged')
  for (const part of token.split('.')) t.notOk(log.includes(part), 'no part of the token is anywhere in the log')
  for (let n = 1; n <= 11; n++) t.notOk(log.includes(`opaque-secret-${n}`), `opaque-secret-${n} is not in the log`)
  for (const [name, path] of secrets) {
    t.ok(urls.includes(redactUrl(path)) && redactUrl(path).includes('[redacted]'), `${name}: logged masked (${redactUrl(path).slice(0, 80)})`)
  }
  t.ok(urls.includes('/health?q=lamp&limit=5'), 'ordinary parameters are logged as they are')
})

t.test('redactUrl keeps what carries no credential', async (t) => {
  t.equal(redactUrl('/products'), '/products')
  t.equal(redactUrl('/products?sort=-price&limit=20&q=red+lamp'), '/products?sort=-price&limit=20&q=red+lamp')
  t.equal(redactUrl('/x?version=1.2.3&host=www.example.com'), '/x?version=1.2.3&host=www.example.com', 'dotted values that are no JWT')
  t.equal(redactUrl('/x?flag'), '/x?flag', 'a parameter without a value')
  t.equal(redactUrl('/x?%zz=1&a=%E0%A4%A'), '/x?[redacted]&a=[redacted]', 'what cannot be decoded cannot be judged, so it is masked')
})
