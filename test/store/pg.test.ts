import t from 'tap'
import { openPgStore, postgresUrl } from '../helpers/services.js'
import { storeContract } from './contract.js'

const url = await postgresUrl(t)
if (url !== null) storeContract(t, () => openPgStore(url))
