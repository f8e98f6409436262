import t from 'tap'
import { openSqliteStore } from '../../src/store/sqlite/store.js'
import { storeContract } from './contract.js'

// Each case gets its own in-memory database.
storeContract(t, async () => openSqliteStore(':memory:'))
