// Prints an access token from the development issuer that a running `npm start` accepts.
// Usage: npm run token -- [--role admin|user] [--sub auth0|alice] [--permissions write:products] [--expires 3600]
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type DevIssuerState, mintDevToken } from '../src/auth/dev-issuer.js'

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    sub: { type: 'string' },
    permissions: { type: 'string', multiple: true },
    expires: { type: 'string', default: '3600' },
    state: { type: 'string', default: process.env.DEV_ISSUER_STATE ?? './data/dev-issuer.json' }
  }
})

let state: DevIssuerState
try {
  state = JSON.parse(readFileSync(values.state, 'utf8')) as DevIssuerState
} catch {
  process.stderr.write(`token: no development issuer state at ${values.state}; start the API first with \`npm start\` (no AUTH0_* set)\n`)
  process.exit(1)
}

const roles = (values.role ?? ['user']).flatMap((role) => role.split(',')).filter(Boolean)
const permissions = (values.permissions ?? []).flatMap((p) => p.split(/[ ,]/)).filter(Boolean)
const expiresInSeconds = Number(values.expires)
if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
  process.stderr.write('token: --expires takes a whole number of seconds\n')
  process.exit(1)
}
const sub = values.sub ?? `dev|${roles.includes('admin') ? 'admin' : 'user'}`
process.stdout.write(`${mintDevToken(state, { sub, roles, permissions, expiresInSeconds })}\n`)
