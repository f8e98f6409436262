import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { startApp, startIssuer } from '../helpers/app.js'
import { childEnv } from '../helpers/process.js'

// The client as a frontend gets it: `npm pack` in client/, a scratch project that installs only
// that tarball, a story type-checked under --strict --module nodenext, then run by plain node
// against the real API listening on 127.0.0.1.
const execFileAsync = promisify(execFile)
// Children get a clean environment (no NODE_V8_COVERAGE: tsc and npm are not ours to measure).
const run = (file: string, args: string[], options: { cwd: string, env?: Record<string, string> }) =>
  execFileAsync(file, args, { cwd: options.cwd, env: childEnv(options.env ?? {}) })
const root = fileURLToPath(new URL('../../', import.meta.url))
const clientDir = join(root, 'client')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const TSC_FLAGS = ['--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', '--skipLibCheck', 'false']

const STORY = `import { createStoreClient, type Product } from '@store-api/client'

const baseUrl = process.env.BASE_URL ?? ''
const admin = createStoreClient({ baseUrl, token: () => process.env.ADMIN_TOKEN })
const anonymous = createStoreClient({ baseUrl })

const created = await admin.POST('/products', { body: { title: 'Packed Lamp', price: '12.50', image: 'https://example.com/lamp.jpg' } })
const lamp: Product | undefined = created.data
if (lamp === undefined) throw new Error('not created: ' + created.response.status)
const read = await anonymous.GET('/products/{id}', { params: { path: { id: lamp.id } } })
const page = await anonymous.GET('/products', { params: { query: { q: 'packed', limit: 5 } } })
const me = await admin.GET('/me')
const logout = await admin.POST('/logout', { body: {} })
const after = await admin.GET('/me')
console.log(JSON.stringify({
  created: created.response.status,
  title: read.data?.title,
  found: page.data?.items.map((item) => item.id),
  lampId: lamp.id,
  me: me.response.status,
  logout: logout.response.status,
  after: after.response.status
}))
`

// process is declared here so the story needs neither @types/node nor anything but the tarball.
const GLOBALS = 'declare const process: { env: Record<string, string | undefined> }\n'

// A path the document does not have: the check must refuse it.
const WRONG = `import { createStoreClient } from '@store-api/client'
const client = createStoreClient({ baseUrl: 'http://127.0.0.1:1' })
await client.GET('/products/{id}', { params: { path: { id: 'not-a-number' } } })
`

async function packClient (into: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', into], { cwd: clientDir })
  const [packed] = JSON.parse(stdout) as Array<{ filename: string, files: Array<{ path: string }> }>
  if (packed === undefined) throw new Error('npm pack made nothing')
  return join(into, packed.filename)
}

async function typeCheck (dir: string, file: string): Promise<{ ok: boolean, output: string }> {
  try {
    await run(process.execPath, [tsc, ...TSC_FLAGS, '--outDir', dir, join(dir, file), join(dir, 'globals.d.ts')], { cwd: dir })
    return { ok: true, output: '' }
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) }
  }
}

// Two tsc runs over the 120 kB of generated types and an npm install: slower than most tests.
t.test('the packed client installs alone, type-checks a story under strict nodenext, and runs on plain node', { timeout: 300_000 }, async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), 'store-api-client-'))
  t.teardown(() => rm(scratch, { recursive: true, force: true }))

  const tarball = await packClient(scratch)
  t.ok((await stat(tarball)).size < 1024 * 1024, 'the tarball is under 1 MB')
  const manifest = JSON.parse(await readFile(join(clientDir, 'package.json'), 'utf8')) as { version: string, dependencies: Record<string, string> }
  const spec = JSON.parse(await readFile(join(root, 'openapi', 'openapi.json'), 'utf8')) as { info: { version: string } }
  t.equal(manifest.version, spec.info.version, "the client's version is the OpenAPI document's")
  t.same(Object.keys(manifest.dependencies), ['openapi-fetch'], 'openapi-fetch is its only dependency: no server packages')

  const project = join(scratch, 'app')
  await mkdir(project)
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }))
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project })
  await writeFile(join(project, 'globals.d.ts'), GLOBALS)
  await writeFile(join(project, 'story.ts'), STORY)
  await writeFile(join(project, 'wrong.ts'), WRONG)

  const story = await typeCheck(project, 'story.ts')
  t.ok(story.ok, `the story type-checks ${story.output}`)
  const wrong = await typeCheck(project, 'wrong.ts')
  t.notOk(wrong.ok, 'a deliberate type error fails the check')
  t.match(wrong.output, /wrong\.ts\(3,.*error TS/, 'the error is reported in the wrong file')

  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const { stdout } = await run(process.execPath, [join(project, 'story.js')], {
    cwd: project,
    env: { BASE_URL: baseUrl, ADMIN_TOKEN: issuer.adminToken() }
  })
  const result = JSON.parse(stdout) as { lampId: number }
  t.same(result, { created: 201, title: 'Packed Lamp', found: [result.lampId], lampId: result.lampId, me: 200, logout: 200, after: 401 },
    'create, read, search, /me, logout with an empty body, and the revoked token refused')
})
