import { join } from 'node:path'
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import { startIssuer } from '../helpers/app.js'
import type { TestIssuer } from '../helpers/issuer.js'
import { type ServerProcess, startServerProcess, tempDir, within } from '../helpers/process.js'

/*
 * "A crash leaves an Idempotency-Key stuck for 24 hours": the real server process is killed
 * with SIGKILL inside an import sent with an Idempotency-Key; a retry with the same key must
 * then create the batch exactly once, and the next retry replay it.
 */

function startServer (t: Test, issuer: TestIssuer, databaseFile: string): Promise<ServerProcess> {
  return startServerProcess(t, issuer, { DATABASE_URL: `file:${databaseFile}` })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** True while some connection holds the database's write lock. */
function writeLocked (probe: Database.Database): boolean {
  try {
    probe.exec('BEGIN IMMEDIATE')
    probe.exec('ROLLBACK')
    return false
  } catch {
    return true
  }
}

t.test('SIGKILL inside an import with an Idempotency-Key: the retry creates the batch once, the next replays it', async (t) => {
  const issuer = await startIssuer(t)
  const file = join(tempDir(t, 'store-api-idempotency-crash-'), 'store.db')
  const first = await startServer(t, issuer, file)
  const csv = 'title,price,image\nCrash one,1.00,https://example.com/1.jpg\nCrash slow,2.00,https://example.com/2.jpg\nCrash three,3.00,https://example.com/3.jpg\n'
  const headers = { authorization: `Bearer ${issuer.adminToken()}`, 'content-type': 'text/csv', 'idempotency-key': 'nightly-import-1' }

  // Holds the import inside its transaction: inserting "Crash slow" runs a query that would
  // take hours (a triple cross join), so the process is certainly mid-write when it is killed.
  const probe = new Database(file)
  t.teardown(() => { if (probe.open) probe.close() })
  probe.pragma('busy_timeout = 0')
  probe.exec('CREATE TABLE ballast (x INTEGER)')
  probe.prepare('INSERT INTO ballast (x) SELECT value FROM json_each(?)').run(JSON.stringify(Array.from({ length: 3000 }, (_, i) => i)))
  probe.exec(`CREATE TRIGGER hold_import AFTER INSERT ON products WHEN NEW.title = 'Crash slow'
    BEGIN SELECT count(*) FROM ballast a, ballast b, ballast c; END`)

  const inFlight = fetch(`${first.base}/products/bulk`, { method: 'POST', headers, body: csv }).then(
    (res) => `answered ${res.status}`,
    () => 'no answer'
  )
  // The write lock held for a while (not a short claim or read): the import's transaction.
  const deadline = Date.now() + 15_000
  let heldFor = 0
  while (heldFor < 3 && Date.now() < deadline) {
    heldFor = writeLocked(probe) ? heldFor + 1 : 0
    await sleep(100)
  }
  t.equal(heldFor, 3, 'the import is inside its write transaction')
  first.proc.child.kill('SIGKILL')
  const exit = await within(first.proc.exited, 10_000, 'the server did not die on SIGKILL')
  t.equal(exit.signal, 'SIGKILL')
  t.equal(await inFlight, 'no answer', 'the killed import was never answered')
  probe.exec('DROP TRIGGER hold_import; DROP TABLE ballast')
  probe.close()

  const second = await startServer(t, issuer, file)
  const titles = async () => {
    const res = await fetch(`${second.base}/products?q=crash&limit=100`)
    return ((await res.json()) as { items: Array<{ title: string }> }).items.map((p) => p.title).sort()
  }
  t.same(await titles(), [], 'the killed import left nothing behind')

  const retry = await fetch(`${second.base}/products/bulk`, { method: 'POST', headers, body: csv })
  const retryBody = await retry.text()
  t.equal(retry.status, 201, 'the retry with the same key is carried out', { body: retryBody })
  t.equal(retry.headers.get('idempotent-replayed'), null, 'and is no replay')
  t.same(await titles(), ['Crash one', 'Crash slow', 'Crash three'], 'one batch created')

  const again = await fetch(`${second.base}/products/bulk`, { method: 'POST', headers, body: csv })
  t.equal(again.status, 201)
  t.equal(again.headers.get('idempotent-replayed'), 'true', 'the next retry replays')
  t.equal(await again.text(), retryBody, 'with the same body')
  t.same(await titles(), ['Crash one', 'Crash slow', 'Crash three'], 'still one batch')
})
