import { readFileSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import pg from 'pg'
import t, { type Test } from 'tap'
import { StoreUnavailable, type Store } from '../../src/store/types.js'
import { freePort } from '../helpers/process.js'
import { openPgStore, postgresUrl, queryPostgres } from '../helpers/services.js'

const url = await postgresUrl(t)

/** Polls `check` every 20 ms until it holds; false when `withinMs` passes first. */
async function eventually (check: () => boolean | Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** True when the store's generation holds still: listener up and the poll fresh. */
function steady (store: Store): boolean {
  const first = store.revocations.generation()
  return store.revocations.generation() === first
}

if (url !== null) {
  const open = async (t: Test, applicationName: string, target = url) => {
    const store = await openPgStore(target, { applicationName })
    t.teardown(() => store.close())
    return store
  }

  t.test('two stores opening one empty database at once both boot; migrations run once', async (t) => {
    const [a, b] = await Promise.all([open(t, 'boot-a'), open(t, 'boot-b')])
    t.same([a.created, b.created].sort(), [false, true], 'exactly one created it')
    const rows = await queryPostgres<{ n: number }>(url, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')
    const committed = JSON.parse(readFileSync('drizzle/pg/meta/_journal.json', 'utf8')).entries.length
    t.equal(rows[0]?.n, committed, 'each migration recorded once')
    const c = await open(t, 'boot-c')
    t.equal(c.created, false)
    t.equal(await c.ping(), true)
  })

  t.test("a revocation written through one store moves another's generation within a second", async (t) => {
    const [a, b] = await Promise.all([open(t, 'gen-a'), open(t, 'gen-b')])
    t.ok(await eventually(() => steady(b), 2000), 'B settles')
    const before = b.revocations.generation()
    await a.revocations.revokeToken('auth0|gen', 'jti-gen', new Date(Date.now() + 60_000))
    t.ok(await eventually(() => b.revocations.generation() !== before, 1000), 'B saw it within 1 s')
    t.equal(await b.revocations.isRevoked('auth0|gen', 'jti-gen', null), true)
  })

  t.test('after its listener connection is killed a store still sees revocations and listens again', async (t) => {
    const [a, b] = await Promise.all([open(t, 'kill-a'), open(t, 'kill-b')])
    t.ok(await eventually(() => steady(b), 2000), 'B settles')
    const killed = await queryPostgres<{ ok: boolean }>(url, "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'kill-b-listener'")
    t.same(killed, [{ ok: true }], 'one listener terminated')
    const before = b.revocations.generation()
    await a.revocations.revokeSubject('auth0|kill', Math.floor(Date.now() / 1000))
    t.ok(await eventually(() => b.revocations.generation() !== before, 2000), 'B moved on')
    t.ok(await eventually(async () => (await queryPostgres(url, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'kill-b-listener'")).length === 1, 5000), 'B listens again')
    t.ok(await eventually(() => steady(b), 2000), 'and its generation settles')
    const settled = b.revocations.generation()
    await a.revocations.revokeToken('auth0|kill', 'jti-after', new Date(Date.now() + 60_000))
    t.ok(await eventually(() => b.revocations.generation() !== settled, 1000), 'the new listener is heard')
  })

  t.test('opening a database nobody answers for is StoreUnavailable', async (t) => {
    const port = await freePort()
    const error = await openPgStore(`postgres://postgres@127.0.0.1:${port}/none`).catch((e: unknown) => e)
    t.ok(error instanceof StoreUnavailable, String(error))
  })

  t.test('a store whose database goes away answers StoreUnavailable, then serves again when it is back', async (t) => {
    const proxy = await startProxy(new URL(url))
    t.teardown(() => proxy.stop())
    const target = new URL(url)
    target.host = `127.0.0.1:${proxy.port}`
    const store = await open(t, 'proxy', target.toString())
    const product = await store.products.create({ title: 'Kept', priceCents: 1, image: 'i' }, { actor: 'a', requestId: 'r' })
    t.equal(product.status, 'ok')
    const id = product.status === 'ok' ? product.value.id : 0

    await proxy.stop()
    const down = await store.products.get(id).catch((e: unknown) => e)
    t.ok(down instanceof StoreUnavailable, `a read while down: ${String(down)}`)
    const write = await store.products.update(id, { priceCents: 2 }, { actor: 'a', requestId: 'r' }).catch((e: unknown) => e)
    t.ok(write instanceof StoreUnavailable, `a write while down: ${String(write)}`)
    t.equal(await store.ping(), false)
    t.notOk(steady(store), 'no cached answer is trusted while down')

    await proxy.start()
    t.ok(await eventually(() => store.ping(), 3000), 'ping answers again')
    t.match(await store.products.get(id), { id, title: 'Kept' }, 'reads serve again without a restart')
    t.ok(await eventually(() => steady(store), 8000), 'the listener is back')
  })

  t.test('a write stuck behind a lock longer than the timeout is StoreUnavailable, and frees its connection', async (t) => {
    const store = await openPgStore(url, { applicationName: 'lock-wait', statementTimeoutMs: 300, poolSize: 1 })
    t.teardown(() => store.close())
    const product = await store.products.create({ title: 'Locked', priceCents: 1, image: 'i' }, { actor: 'a', requestId: 'r' })
    const id = product.status === 'ok' ? product.value.id : 0
    const holder = new pg.Client({ connectionString: url })
    await holder.connect()
    t.teardown(() => holder.end())
    await holder.query('BEGIN')
    await holder.query('SELECT * FROM products WHERE id = $1 FOR UPDATE', [id])
    const stuck = await store.products.update(id, { priceCents: 2 }, { actor: 'a', requestId: 'r' }).catch((e: unknown) => e)
    t.ok(stuck instanceof StoreUnavailable, String(stuck))
    await holder.query('ROLLBACK')
    t.match(await store.products.update(id, { priceCents: 3 }, { actor: 'a', requestId: 'r' }), { status: 'ok', value: { priceCents: 3, version: 2 } }, 'the one pooled connection serves the next write')
  })

  t.test('killed pool connections are replaced; failures meanwhile are StoreUnavailable', async (t) => {
    const store = await open(t, 'pool-kill')
    await Promise.all(Array.from({ length: 5 }, () => store.products.get(1)))
    await queryPostgres(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pool-kill'")
    const failures: unknown[] = []
    t.ok(await eventually(async () => {
      try {
        await store.products.get(1)
        return true
      } catch (error) {
        failures.push(error)
        return false
      }
    }, 3000), 'serves again')
    t.ok(failures.every((e) => e instanceof StoreUnavailable), `every failure meanwhile is StoreUnavailable: ${failures.map(String).join('; ')}`)
  })
}

/** A TCP proxy to PostgreSQL that can be stopped (every connection cut) and started again on its port. */
async function startProxy (upstream: URL): Promise<{ port: number, start(): Promise<void>, stop(): Promise<void> }> {
  const port = await freePort()
  const sockets = new Set<Socket>()
  let server: Server | null = null
  const start = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const remote = connect(Number(upstream.port || 5432), upstream.hostname)
      for (const socket of [client, remote]) {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
        socket.on('error', () => {})
      }
      client.pipe(remote).pipe(client)
      client.on('close', () => remote.destroy())
      remote.on('close', () => client.destroy())
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const stop = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy()
    if (server === null) return resolve()
    const closing = server
    server = null
    closing.close(() => resolve())
  })
  await start()
  return { port, start, stop }
}
