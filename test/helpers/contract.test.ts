import { Readable } from 'node:stream'
import t from 'tap'
import { createContractChecker, loadCommittedSpec, type ObservedResponse, readPayload, toJsonSchema, toOpenApiPath } from './contract.js'

// The contract checker that startApp runs on every response: it must catch what it claims to.

const problem = { $ref: '#/components/schemas/Problem' }
const spec = {
  openapi: '3.0.3',
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          200: {
            description: 'ok',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id', 'note', 'at'],
                  additionalProperties: false,
                  properties: {
                    id: { type: 'integer', minimum: 1 },
                    note: { type: 'string', nullable: true },
                    at: { type: 'string', format: 'date-time' },
                    owner: { allOf: [{ $ref: '#/components/schemas/Owner' }], nullable: true }
                  }
                }
              }
            }
          },
          304: { description: 'not modified' },
          '4XX': { description: 'any client error', content: { 'application/problem+json': { schema: problem } } }
        }
      },
      delete: { responses: { 204: { description: 'gone' }, 404: { description: 'no', content: { 'application/problem+json': { schema: problem } } } } }
    },
    '/export': {
      get: { responses: { 200: { description: 'csv', content: { 'text/csv': { schema: { type: 'string' } } } } } }
    }
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer', minimum: 400, maximum: 599 }, detail: { type: 'string' } }
      },
      Owner: { type: 'object', required: ['sub'], properties: { sub: { type: 'string' }, manager: { $ref: '#/components/schemas/Owner' } } }
    }
  }
}

const good = { id: 1, note: null, at: '2024-01-01T00:00:00.000Z', owner: { sub: 'a', manager: { sub: 'b' } } }
const problemBody = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no' }
const json = 'application/json; charset=utf-8'
const problemJson = 'application/problem+json; charset=utf-8'
const observed = (over: Partial<ObservedResponse>): ObservedResponse =>
  ({ method: 'GET', path: '/things/{id}', status: 200, contentType: json, body: good, hasBody: true, ...over })

t.test('paths and payloads', async (t) => {
  t.equal(toOpenApiPath('/products/:id'), '/products/{id}')
  t.equal(toOpenApiPath('/admin/users/:sub'), '/admin/users/{sub}')
  t.equal(toOpenApiPath('/products/:id/history'), '/products/{id}/history')
  t.equal(toOpenApiPath('/products/'), '/products')
  t.equal(toOpenApiPath('/a/:id(^\\d+)'), '/a/{id}')
  t.same(readPayload('{"a":1}', json), { hasBody: true, body: { a: 1 } })
  t.same(readPayload('{"a":', json), { hasBody: true, body: '{"a":', notJson: true })
  t.same(readPayload('x,y', 'text/csv'), { hasBody: true, body: 'x,y' })
  t.same(readPayload('', json), { hasBody: false, body: undefined })
  t.same(readPayload(null, json), { hasBody: false, body: undefined })
  t.match(readPayload(Readable.from(['a']), 'text/csv'), { hasBody: true, unread: true })
  t.same(toJsonSchema({ type: 'string', nullable: true, example: 'x' }), { type: ['string', 'null'] })
  t.same(toJsonSchema({ enum: ['a'], type: 'string', nullable: true }), { enum: ['a', null], type: ['string', 'null'] })
  t.same(toJsonSchema({ $ref: '#/components/schemas/X', nullable: true }), { anyOf: [{ $ref: 'https://contract.test/openapi/components/schemas/X' }, { type: 'null' }] })
  t.same(toJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: true }), { type: 'number', exclusiveMinimum: 0 })
  t.same(toJsonSchema({ type: 'object', properties: { nullable: { type: 'string' } } }), { type: 'object', properties: { nullable: { type: 'string' } } },
    'a property named like a keyword is a property')
})

t.test('what passes and what is a violation', async (t) => {
  const check = createContractChecker(spec)
  const passes: Array<[string, ObservedResponse]> = [
    ['a documented 200 with a valid body (nullable, recursive $ref)', observed({})],
    ['owner null through nullable allOf', observed({ body: { ...good, owner: null } })],
    ['a 4XX range for a 409', observed({ status: 409, contentType: problemJson, body: { ...problemBody, status: 409 } })],
    ['304 without a body', observed({ status: 304, contentType: undefined, body: undefined, hasBody: false })],
    ['HEAD of a GET: headers only', observed({ method: 'HEAD', hasBody: false, body: undefined })],
    ['204 without a body', observed({ method: 'DELETE', status: 204, contentType: undefined, body: undefined, hasBody: false })],
    ['a streamed body of a documented type', observed({ path: '/export', contentType: 'text/csv; charset=utf-8', body: undefined, unread: true })],
    ['an undocumented route (e.g. /docs)', observed({ path: '/docs', contentType: 'text/html', body: '<html>' })],
    ['a not-found problem', observed({ path: undefined, status: 404, contentType: problemJson, body: problemBody })]
  ]
  for (const [name, response] of passes) t.equal(check(response), null, name)

  const violations: Array<[string, ObservedResponse, RegExp]> = [
    ['a bad date-time', observed({ body: { ...good, at: 'yesterday' } }), /does not match the schema/],
    ['an extra property', observed({ body: { ...good, extra: 1 } }), /does not match the schema/],
    ['a null where none is allowed', observed({ body: { ...good, id: null } }), /does not match the schema/],
    ['a bad nested $ref', observed({ body: { ...good, owner: { sub: 'a', manager: { sub: 5 } } } }), /does not match the schema/],
    ['an undocumented status', observed({ method: 'DELETE', status: 415, contentType: problemJson, body: problemBody }), /status 415 is not documented/],
    ['an undocumented content type', observed({ contentType: 'text/html', body: '<p>' }), /content type text\/html is not documented/],
    ['a problem that is not a problem', observed({ status: 404, contentType: problemJson, body: { title: 'x' } }), /does not match the schema/],
    ['JSON that does not parse', observed({ body: '{', notJson: true }), /not valid JSON/],
    ['a body where none is documented', observed({ status: 304, contentType: json, body: {}, hasBody: true }), /documented without content/],
    ['no body where one is documented', observed({ body: undefined, hasBody: false }), /none was sent/],
    ['an undocumented method', observed({ method: 'PUT' }), /no PUT operation/],
    ['a not-found error that is not problem+json', observed({ path: undefined, status: 404, contentType: json, body: {} }), /not application\/problem\+json/],
    ['a not-found problem missing fields', observed({ path: undefined, status: 404, contentType: problemJson, body: { status: 404 } }), /does not match/],
    ['a success from no route', observed({ path: undefined, status: 200 }), /no route that is not an error/]
  ]
  for (const [name, response, reason] of violations) t.match(check(response)?.reason, reason, name)
})

t.test('the committed spec compiles, and its Problem schema is used for errors', async (t) => {
  const committed = loadCommittedSpec()
  const check = createContractChecker(committed)
  t.equal(check({ method: 'GET', path: '/products/{id}', status: 404, contentType: problemJson, body: { ...problemBody, requestId: 'r' }, hasBody: true }), null)
  t.match(check({ method: 'GET', path: '/products/{id}', status: 404, contentType: problemJson, body: { ...problemBody, status: '404' }, hasBody: true })?.reason,
    /does not match/)
  t.match(check({ method: 'GET', path: '/health', status: 404, contentType: problemJson, body: problemBody, hasBody: true })?.reason,
    /status 404 is not documented for GET \/health/)
})
