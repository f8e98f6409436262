import Database from 'better-sqlite3'
import t from 'tap'
import { createGroupCommit } from '../../../src/store/sqlite/group-commit.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function openDatabase (t: Test) {
  const sqlite = new Database(':memory:')
  t.teardown(() => sqlite.close())
  sqlite.pragma('foreign_keys = ON')
  sqlite.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY)')
  sqlite.exec('CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED, name TEXT NOT NULL UNIQUE)')
  sqlite.exec('INSERT INTO parent (id) VALUES (1)')
  const insert = sqlite.prepare('INSERT INTO child (parent_id, name) VALUES (?, ?) RETURNING id')
  const count = () => (sqlite.prepare('SELECT count(*) AS n FROM child').get() as { n: number }).n
  let commits = 0
  const write = createGroupCommit((body) => {
    commits++
    sqlite.transaction(body).immediate()
  })
  // Each write is its own nested transaction, as the repositories' writes are.
  const add = (parentId: number, name: string) =>
    write(() => sqlite.transaction(() => (insert.get(parentId, name) as { id: number }).id)())
  return { sqlite, add, count, commits: () => commits }
}

t.test('writes made in one turn share one commit and each gets its own result', async (t) => {
  const db = openDatabase(t)
  const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => db.add(1, `n${i}`)))
  t.same(ids, Array.from({ length: 50 }, (_, i) => i + 1), 'every write resolved with its own row id, in order')
  t.equal(db.commits(), 1, 'one transaction for the 50')
  t.equal(db.count(), 50)
  await db.add(1, 'later')
  t.equal(db.commits(), 2, 'a write in a later turn gets a commit of its own')
})

t.test('a failing write is rolled back alone; its neighbours commit', async (t) => {
  const db = openDatabase(t)
  const results = await Promise.allSettled([db.add(1, 'a'), db.add(1, 'a'), db.add(1, 'b')])
  t.equal(results[0]?.status, 'fulfilled')
  t.equal(results[1]?.status, 'rejected', 'the duplicate name is refused')
  t.match((results[1] as PromiseRejectedResult).reason, { code: 'SQLITE_CONSTRAINT_UNIQUE' })
  t.equal(results[2]?.status, 'fulfilled', 'the write after it still commits')
  t.equal(db.count(), 2)
  t.equal(db.commits(), 1)
})

t.test('when the COMMIT itself fails, every write of the batch rejects and nothing is kept', async (t) => {
  const db = openDatabase(t)
  // A deferred foreign key is only checked at COMMIT: the whole batch's commit fails.
  const results = await Promise.allSettled([db.add(1, 'fine'), db.add(999, 'orphan'), db.add(1, 'also fine')])
  for (const result of results) {
    t.equal(result.status, 'rejected')
    t.match((result as PromiseRejectedResult).reason, { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })
  }
  t.equal(db.count(), 0, 'nothing of the failed batch was kept')
  t.notOk(db.sqlite.inTransaction, 'the transaction was rolled back')
  t.equal(await db.add(1, 'next'), 1, 'the next batch commits normally')
})

t.test('more writes than one batch takes are split over several commits', async (t) => {
  const db = openDatabase(t)
  const ids = await Promise.all(Array.from({ length: 600 }, (_, i) => db.add(1, `n${i}`)))
  t.equal(new Set(ids).size, 600)
  t.equal(db.count(), 600)
  t.equal(db.commits(), 3, '256 + 256 + 88')
})
