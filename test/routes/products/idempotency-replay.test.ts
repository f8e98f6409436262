import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'
import { postgresUrl, queryPostgres } from '../../helpers/services.js'

// A replayed Idempotency-Key is rebuilt by the route from the stored domain result: it must be
// the first answer byte for byte (status, Location, ETag, content type, body), on both
// backends, also for a record the previous version wrote (the HTTP response itself).

const IMAGE = 'https://example.com/replay.jpg'
const JSON_TYPE = 'application/json; charset=utf-8'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
type Rewrite = (key: string, status: number, body: string, headers: Record<string, string>) => Promise<void>

interface Backend {
  env: Record<string, string>
  /** Turns the record of `key` into what the previous version wrote: the response, no result. */
  rewrite: Rewrite
}

function sameAnswer (t: Tap, replay: LightMyRequestResponse, first: LightMyRequestResponse, what: string): void {
  t.equal(replay.statusCode, first.statusCode, `${what}: the same status`)
  for (const name of ['location', 'etag', 'content-type']) t.equal(replay.headers[name], first.headers[name], `${what}: the same ${name}`)
  t.equal(replay.body, first.body, `${what}: the same body, byte for byte`)
  t.equal(replay.headers['idempotent-replayed'], 'true', `${what}: marked as a replay`)
}

async function replays (t: Tap, backend: Backend): Promise<void> {
  const issuer = await startIssuer(t)
  const app: FastifyInstance = await startApp(t, issuer, backend.env)
  const admin = bearer(issuer.adminToken())
  const post = (url: string, key: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: { ...admin, 'idempotency-key': key }, payload })

  // A title that JSON escapes, a price given as a number: the replay must still match.
  const body = { title: '  "Quoted" \\ lamp é ', price: 12.5, image: IMAGE }
  const first = await post('/products', 'one', body)
  t.equal(first.statusCode, 201)
  t.equal(first.headers['content-type'], JSON_TYPE)
  t.match(first.headers, { location: `/products/${first.json().id}`, etag: `"${first.json().id}-1"` })
  t.notOk(first.headers['idempotent-replayed'])
  sameAnswer(t, await post('/products', 'one', body), first, 'create')

  const rows = [{ title: 'Row one', price: '1.00', image: IMAGE }, { title: 'Row two', price: 2, image: IMAGE }]
  const bulk = await post('/products/bulk', 'many', rows)
  t.equal(bulk.statusCode, 201)
  sameAnswer(t, await post('/products/bulk', 'many', rows), bulk, 'bulk create')

  // Records written by the previous version hold the response; they replay the same way.
  const legacy = await post('/products', 'legacy', { ...body, title: 'Legacy' })
  await backend.rewrite('legacy', 201, legacy.body, { 'content-type': JSON_TYPE, location: String(legacy.headers.location), etag: String(legacy.headers.etag) })
  sameAnswer(t, await post('/products', 'legacy', { ...body, title: 'Legacy' }), legacy, 'create, old record')
  const legacyBulk = await post('/products/bulk', 'legacy-bulk', rows)
  await backend.rewrite('legacy-bulk', 201, legacyBulk.body, { 'content-type': JSON_TYPE })
  sameAnswer(t, await post('/products/bulk', 'legacy-bulk', rows), legacyBulk, 'bulk create, old record')

  t.equal((await post('/products', 'legacy', { ...body, title: 'Another' })).statusCode, 422, 'an old record still refuses another request')
}

t.test('SQLite: a replay is the first answer, byte for byte', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'store.db')
  await replays(t, {
    env: { DATABASE_URL: `file:${file}` },
    async rewrite (key, status, body, headers) {
      const db = new Database(file)
      try {
        const changed = db.prepare('UPDATE idempotency_keys SET result = NULL, status = ?, body = ?, headers = ? WHERE key = ?')
          .run(status, body, JSON.stringify(headers), key).changes
        t.equal(changed, 1, `the record of ${key} rewritten`)
      } finally {
        db.close()
      }
    }
  })
})

t.test('PostgreSQL: a replay is the first answer, byte for byte', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  await replays(t, {
    env: { DATABASE_URL: url },
    async rewrite (key, status, body, headers) {
      const rows = await queryPostgres(url, 'UPDATE idempotency_keys SET result = NULL, status = $1, body = $2, headers = $3 WHERE key = $4 RETURNING key', [status, body, JSON.stringify(headers), key])
      t.equal(rows.length, 1, `the record of ${key} rewritten`)
    }
  })
})
