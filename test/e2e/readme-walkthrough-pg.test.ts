import t from 'tap'
import { walkTwice } from '../helpers/readme-walkthrough.js'
import { postgresUrl } from '../helpers/services.js'

// The README's walkthrough on a fresh PostgreSQL database: no demo data, so nothing may rely on it.
t.test('the walkthrough works twice on PostgreSQL', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  await walkTwice(t, () => url)
})
