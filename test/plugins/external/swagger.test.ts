import { readFileSync } from 'node:fs'
import t from 'tap'
import { generateClientTypes } from '../../../scripts/client-types.js'
import { generateOpenApiDocument } from '../../../src/openapi-document.js'
import { startApp, startIssuer } from '../../helpers/app.js'

const committed = readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8')

t.test('the committed openapi/openapi.json is what the code generates', async (t) => {
  const generated = await generateOpenApiDocument()
  t.equal(generated, committed, 'run `npm run openapi` and commit openapi/openapi.json')
})

t.test('the committed client/schema.ts is what openapi-typescript makes of the committed document', async (t) => {
  const types = await generateClientTypes()
  t.equal(types, readFileSync(new URL('../../../client/schema.ts', import.meta.url), 'utf8'), 'run `npm run client` and commit client/schema.ts')
  t.match(types, /"\/products\/\{id\}": \{/, 'the types name the paths')
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
      t.same(operation.security, [], `${method.toUpperCase()} ${path} says it is public`)
    }
  }
  t.notOk(spec.paths['/openapi.json'], 'the spec route itself is hidden')
  t.same(spec.servers, [{ url: '/', description: spec.servers[0].description }], 'a relative server')
})

type Operation = {
  operationId?: string
  description?: string
  security?: unknown[]
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: { default?: unknown } }>
  requestBody?: { required?: boolean; content: Record<string, { schema?: { $ref?: string } }> }
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> }>
}

function operations (spec: { paths: Record<string, Record<string, Operation>> }): Array<[string, Operation]> {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]))
}

t.test('every operation has a unique operationId, a description, a security statement and named responses', async (t) => {
  const spec = JSON.parse(committed)
  const all = operations(spec)
  const ids = all.map(([, operation]) => operation.operationId)
  t.ok(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)), 'every operation has a camelCase operationId')
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique')
  for (const id of ['listProducts', 'getProduct', 'createProduct', 'replaceProduct', 'updateProduct', 'deleteProduct', 'importProducts',
    'exportProducts', 'deleteProducts', 'getMe', 'logout', 'listUsers', 'listAuditEntries', 'health', 'ready']) {
    t.ok(ids.includes(id), `${id} exists`)
  }
  for (const [name, operation] of all) {
    t.ok(operation.description, `${name} has a description`)
    t.ok(Array.isArray(operation.security), `${name} states its security`)
    for (const [status, response] of Object.entries(operation.responses)) {
      t.not(response.description, 'Default Response', `${name} ${status} is described`)
      t.ok(response.headers?.['X-Request-Id'], `${name} ${status} documents X-Request-Id`)
      const json = response.content?.['application/json'] ?? response.content?.['application/problem+json']
      if (json) t.match(json.schema?.$ref, /^#\/components\/schemas\/[A-Z]/, `${name} ${status} refers to a named schema`)
    }
    if (!['GET /health', 'GET /ready'].includes(name)) {
      t.ok(Object.keys(operation.responses).some((status) => status.startsWith('4')), `${name} documents its 4XX`)
    }
    for (const parameter of operation.parameters ?? []) {
      if (parameter.schema?.default !== undefined) t.equal(parameter.required, false, `${name}: ${parameter.name} has a default, so it is optional`)
    }
    const body = operation.requestBody?.content['application/json']
    if (body) t.match(body.schema?.$ref, /^#\/components\/schemas\/[A-Z]/, `${name}: the JSON body is a named schema`)
  }
  const ops: Record<string, Operation> = Object.fromEntries(all.map(([, operation]) => [operation.operationId, operation]))
  t.equal(ops.logout?.requestBody?.required, false, 'POST /logout needs no body')
  t.same(ops.listProducts?.parameters?.filter((p) => p.required), [], 'GET /products needs no parameter')
  t.same(ops.listUsers?.parameters?.filter((p) => p.required), [], 'GET /admin/users needs no parameter')
  t.same(ops.listAuditEntries?.parameters?.filter((p) => p.required), [], 'GET /admin/audit needs no parameter')
  t.same(ops.exportProducts?.parameters?.filter((p) => p.required), [], 'GET /products/export needs no parameter')
  t.same(spec.components.schemas.BulkProducts.items, { $ref: '#/components/schemas/ProductInput' }, 'a bulk JSON body is an array of ProductInput')
  const key = ops.createProduct?.parameters?.find((p) => p.name === 'idempotency-key') as { schema?: { pattern?: string } } | undefined
  t.equal(key?.schema?.pattern, '^[\\x21-\\x7e]{1,255}$', 'Idempotency-Key documents its real pattern')
  for (const name of ['Product', 'ProductInput', 'ProductPatch', 'ProductPage', 'User', 'UserPage', 'AuditEntry', 'AuditPage', 'Me',
    'LogoutRequest', 'LogoutResult', 'BulkResult', 'Problem']) {
    t.ok(spec.components.schemas[name]?.example, `components.schemas.${name} exists with an example`)
  }
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
