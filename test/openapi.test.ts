import { readFileSync } from 'node:fs'
import t from 'tap'
import { generateOpenApiDocument } from '../src/openapi-document.js'
import { startApp, startIssuer } from './helpers/app.js'

const committed = readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')

t.test('the committed openapi/openapi.json is what the code generates', async (t) => {
  const generated = await generateOpenApiDocument()
  t.equal(generated, committed, 'run `npm run openapi` and commit openapi/openapi.json')
})

t.test('the served spec is the committed one, and documents every route', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const served = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(served.statusCode, 200)
  const spec = served.json()
  t.same(spec, JSON.parse(committed))
  t.equal(spec.openapi, '3.0.3')
  t.same(spec.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: spec.components.securitySchemes.bearerAuth.description })

  const routes: Array<[string, string, boolean]> = [
    ['/products', 'get', false], ['/products', 'post', true], ['/products/{id}', 'get', false],
    ['/products/{id}', 'put', true], ['/products/{id}', 'patch', true], ['/products/{id}', 'delete', true],
    ['/health', 'get', false], ['/ready', 'get', false]
  ]
  for (const [path, method, admin] of routes) {
    const operation = spec.paths[path]?.[method]
    t.ok(operation, `${method.toUpperCase()} ${path} is documented`)
    t.ok(operation.summary && operation.tags?.length, `${method.toUpperCase()} ${path} has a summary and tags`)
    t.ok(operation.responses['500'], `${method.toUpperCase()} ${path} documents its 500`)
    if (admin) {
      t.same(operation.security, [{ bearerAuth: [] }], `${method.toUpperCase()} ${path} needs a bearer token`)
      for (const status of ['401', '403']) {
        t.ok(operation.responses[status]?.content['application/problem+json'], `${method.toUpperCase()} ${path} documents ${status} as problem+json`)
      }
    } else {
      t.notOk(operation.security, `${method.toUpperCase()} ${path} is public`)
    }
  }
  t.notOk(spec.paths['/openapi.json'], 'the spec route itself is hidden')
})

t.test('Swagger UI is served at /docs', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const page = await app.inject({ method: 'GET', url: '/docs' })
  const html = page.statusCode === 302
    ? await app.inject({ method: 'GET', url: page.headers.location as string })
    : page
  t.equal(html.statusCode, 200)
  t.match(html.headers['content-type'], /text\/html/)
  t.match(html.body, /swagger-ui/i)
})
