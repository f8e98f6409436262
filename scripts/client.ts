// Writes the client's types, generated from openapi/openapi.json, to client/schema.ts.
import { writeFileSync } from 'node:fs'
import { generateClientTypes } from './client-types.js'

writeFileSync('client/schema.ts', await generateClientTypes())
process.stdout.write('wrote client/schema.ts\n')
