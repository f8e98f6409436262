// Writes the OpenAPI document generated from the route schemas to openapi/openapi.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { generateOpenApiDocument } from '../src/openapi-document.js'

mkdirSync('openapi', { recursive: true })
writeFileSync('openapi/openapi.json', await generateOpenApiDocument())
process.stdout.write('wrote openapi/openapi.json\n')
