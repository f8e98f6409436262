import t from 'tap'
import { startApp, startIssuer } from '../../helpers/app.js'

t.test('Swagger UI signs in through Auth0 (code flow with PKCE) when AUTH0_CLIENT_ID is set', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { AUTH0_CLIENT_ID: 'spaClient123' })

  const uiSpec = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  const scheme = uiSpec.components.securitySchemes.auth0
  t.equal(scheme.type, 'oauth2')
  t.equal(scheme.flows.authorizationCode.authorizationUrl, `${issuer.url}authorize`)
  t.equal(scheme.flows.authorizationCode.tokenUrl, `${issuer.url}oauth/token`)
  t.same(uiSpec.paths['/products'].post.security, [{ bearerAuth: [] }, { auth0: ['openid', 'profile', 'email'] }], 'admin routes accept either')
  t.same(uiSpec.paths['/products'].get.security, [], 'public routes stay public')

  const served = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.notOk(served.components.securitySchemes.auth0, '/openapi.json stays the committed, config-free document')

  const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })
  t.equal(init.statusCode, 200)
  t.match(init.body, /spaClient123/, 'the client id')
  t.match(init.body, /usePkceWithAuthorizationCodeGrant"?\s*:\s*true/, 'PKCE')
  t.match(init.body, new RegExp(issuer.audience.replace(/[/.]/g, '\\$&')), 'the audience is passed')
  t.notMatch(init.body, /clientSecret"?\s*:\s*"[^"]/, 'never a client secret')

  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.match(String(docs.headers['content-security-policy']), new RegExp(`connect-src 'self' ${new URL(issuer.url).origin}`), 'the token exchange with the issuer is allowed')
})

t.test('without AUTH0_CLIENT_ID Swagger UI takes a pasted bearer token', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const uiSpec = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  t.same(Object.keys(uiSpec.components.securitySchemes), ['bearerAuth'])
  const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })
  t.notMatch(init.body, /usePkceWithAuthorizationCodeGrant"?\s*:\s*true/)
})
