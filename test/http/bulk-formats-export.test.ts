import t from 'tap'
import { exportChunks } from '../../src/http/bulk-formats.js'
import { StoreUnavailable, type Product } from '../../src/store/types.js'

const at = new Date('2026-01-01T00:00:00.000Z')
const product = (id: number): Product => ({ id, title: `P${id}`, priceCents: 100, image: 'https://example.com/p.jpg', createdAt: at, updatedAt: at, version: 1 })

/** Products in batches of `batch`, as the stores read them; the read numbered `failAt` (0-based) fails. */
function source (count: number, batch: number, failAt: number | null, log: string[] = []): AsyncIterable<Product> {
  return (async function * () {
    try {
      for (let read = 0; read * batch < count; read++) {
        log.push(`read ${read}`)
        if (read === failAt) throw new StoreUnavailable('down')
        for (let i = read * batch; i < Math.min(count, (read + 1) * batch); i++) yield product(i + 1)
      }
    } finally {
      log.push('closed')
    }
  })()
}

async function collect (chunks: AsyncIterable<string>): Promise<string> {
  let text = ''
  for await (const chunk of chunks) text += chunk
  return text
}

t.test('a first read that fails is thrown before any text exists, in both formats', async (t) => {
  for (const format of ['csv', 'ndjson'] as const) {
    await t.rejects(exportChunks(source(10, 5, 0), format), StoreUnavailable, format)
  }
})

t.test('the whole catalogue, CSV with its header, once the first read succeeded', async (t) => {
  const csv = await collect(await exportChunks(source(450, 100, null), 'csv'))
  const lines = csv.trimEnd().split('\n')
  t.equal(lines[0], 'id,title,price,image,createdAt,updatedAt')
  t.equal(lines.length, 451)
  t.match(lines[450], /^450,P450,1\.00,/)
  const ndjson = await collect(await exportChunks(source(3, 100, null), 'ndjson'))
  t.same(ndjson.trimEnd().split('\n').map((line) => JSON.parse(line).id), [1, 2, 3])
  t.equal(await collect(await exportChunks(source(0, 100, null), 'csv')), 'id,title,price,image,createdAt,updatedAt\n', 'an empty catalogue is the header')
  t.equal(await collect(await exportChunks(source(0, 100, null), 'ndjson')), '')
})

t.test('a later read that fails ends the stream with that error; the reads are closed', async (t) => {
  const log: string[] = []
  const chunks = await exportChunks(source(1000, 300, 2, log), 'ndjson')
  t.same(log, ['read 0'], 'only the first read before anything is returned')
  await t.rejects(collect(chunks), StoreUnavailable)
  t.same(log, ['read 0', 'read 1', 'read 2', 'closed'])
})

t.test('a client that stops reading closes the source', async (t) => {
  const log: string[] = []
  const chunks = await exportChunks(source(1000, 300, null, log), 'csv')
  const iterator = chunks[Symbol.asyncIterator]()
  t.match((await iterator.next()).value, /^id,title/)
  await iterator.return?.()
  t.same(log, ['read 0', 'closed'])
})
