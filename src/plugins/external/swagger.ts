import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger'
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui'
import { type Config, issuerSettings } from '../../config.js'

declare module 'fastify' {
  interface FastifySchema {
    /** The request body may be left out (requestBody.required: false in the document). */
    'x-body-optional'?: boolean
    /** The named schema the document shows for a JSON body that the handler checks itself. */
    'x-json-body'?: string
  }
}

type Operation = {
  parameters?: Array<{ required?: boolean; schema?: { default?: unknown } }>
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> }
  'x-body-optional'?: boolean
  'x-json-body'?: string
}

/**
 * What @fastify/swagger cannot say from a route schema: a parameter with a default is never
 * required (Ajv fills it in), a body may be optional, and a body the handler checks row by
 * row is shown with its strict shape.
 */
function finishDocument ({ openapiObject }: { openapiObject?: Record<string, unknown> }): Record<string, unknown> {
  const paths = (openapiObject?.paths ?? {}) as Record<string, Record<string, Operation>>
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.schema?.default !== undefined) parameter.required = false
      }
      if (operation['x-body-optional'] && operation.requestBody) operation.requestBody.required = false
      const jsonBody = operation.requestBody?.content?.['application/json']
      if (operation['x-json-body'] && jsonBody) jsonBody.schema = { $ref: `#/components/schemas/${operation['x-json-body']}` }
      delete operation['x-body-optional']
      delete operation['x-json-body']
    }
  }
  return openapiObject ?? {}
}

const BEARER_DESCRIPTION = 'An Auth0 RS256 access token for this API (or one from `npm run token` in development)'

/** The OpenAPI document's frame; paths come from the route schemas. Independent of config, so it can be committed. */
export function swaggerOptions (version: string): FastifyDynamicSwaggerOptions {
  return {
    // Shared schemas keep their $id as their component name (Problem, not def-0).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
    },
    transformObject: finishDocument as FastifyDynamicSwaggerOptions['transformObject'],
    openapi: {
      openapi: '3.0.3',
      // Relative: the document describes whichever host serves it.
      servers: [{ url: '/', description: 'The server this document is served from' }],
      info: {
        title: 'store-api',
        version,
        contact: { name: 'The store-api maintainers' },
        description:
          "A shop's product catalogue. Anyone can read products; admins (Auth0 role claim or the write:products permission) manage them. Errors are RFC 9457 application/problem+json."
      },
      tags: [
        { name: 'products', description: 'The catalogue' },
        { name: 'identity', description: 'The signed-in user: profile and logout' },
        { name: 'admin', description: 'Admin views of user records' },
        { name: 'health', description: 'Liveness and readiness' }
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: BEARER_DESCRIPTION }
        }
      }
    }
  }
}

type Spec = {
  components?: { securitySchemes?: Record<string, unknown> }
  paths?: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>
}

/**
 * Swagger UI at /docs. With an Auth0 client id its Authorize button signs in through Auth0
 * (authorization code with PKCE, passing the audience, no client secret); otherwise it takes
 * a pasted bearer token. The sign-in scheme is added to the UI's copy of the spec only, so
 * /openapi.json stays the committed document.
 */
export function swaggerUiOptions (config: Config): FastifySwaggerUiOptions {
  const issuer = issuerSettings(config)
  const clientId = config.AUTH0_CLIENT_ID
  if (!issuer || !clientId) {
    return { routePrefix: '/docs', uiConfig: { persistAuthorization: true }, staticCSP: docsContentSecurityPolicy(config) }
  }
  return {
    routePrefix: '/docs',
    staticCSP: docsContentSecurityPolicy(config),
    uiConfig: { persistAuthorization: true },
    initOAuth: {
      clientId,
      usePkceWithAuthorizationCodeGrant: true,
      scopes: ['openid', 'profile', 'email'],
      additionalQueryStringParams: { audience: issuer.audience }
    },
    transformSpecification: (original) => {
      const spec = structuredClone(original) as Spec
      spec.components ??= {}
      spec.components.securitySchemes = {
        ...spec.components.securitySchemes,
        auth0: {
          type: 'oauth2',
          description: 'Sign in through Auth0 (authorization code with PKCE)',
          flows: {
            authorizationCode: {
              authorizationUrl: `${issuer.issuer}authorize`,
              tokenUrl: `${issuer.issuer}oauth/token`,
              scopes: { openid: 'OpenID Connect', profile: 'Your name and picture', email: 'Your email address' }
            }
          }
        }
      }
      for (const operations of Object.values(spec.paths ?? {})) {
        for (const operation of Object.values(operations)) {
          if (operation.security?.some((requirement) => 'bearerAuth' in requirement)) {
            operation.security = [...operation.security, { auth0: ['openid', 'profile', 'email'] }]
          }
        }
      }
      return spec as Record<string, unknown>
    }
  }
}

/**
 * The policy Swagger UI runs under at /docs: its own scripts and styles (React sets inline
 * styles), and, when Auth0 sign-in is on, the issuer for the token exchange. Set by
 * swagger-ui's staticCSP in place of helmet's on every /docs answer, the static files too
 * (helmet's route options and uiHooks miss those, and PKCE sign-in loads oauth2-redirect.html
 * from there). No nonces: the pages have no inline script, and a nonce would make browsers
 * ignore 'unsafe-inline' for the styles.
 */
function docsContentSecurityPolicy (config: Config): string {
  const issuer = issuerSettings(config)
  const auth0 = issuer && config.AUTH0_CLIENT_ID ? ` ${new URL(issuer.issuer).origin}` : ''
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self'${auth0}`,
    `form-action 'self'${auth0}`
  ].join('; ')
}
