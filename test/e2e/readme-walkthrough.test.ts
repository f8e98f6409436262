import t from 'tap'
import { join } from 'node:path'
import { BLOCKS, walkTwice } from '../helpers/readme-walkthrough.js'

t.test('the README has walkthrough blocks', async (t) => {
  t.ok(BLOCKS.length >= 2, `${BLOCKS.length} blocks`)
  t.notMatch(BLOCKS.join('\n'), /\/products\/\d/, 'no hard-coded product id')
  t.notMatch(BLOCKS.join('\n'), /^\s*USER=/m, "the shell's $USER is left alone")
})

t.test('the walkthrough works twice on SQLite', async (t) => {
  await walkTwice(t, (dir) => `file:${join(dir, 'store.db')}`)
})
