import createClient, { type Client, type Middleware } from 'openapi-fetch'
import type { components, operations, paths } from './schema.js'

export type { components, operations, paths }
export type Product = components['schemas']['Product']
export type ProductInput = components['schemas']['ProductInput']
export type ProductPatch = components['schemas']['ProductPatch']
export type ProductPage = components['schemas']['ProductPage']
export type Me = components['schemas']['Me']
export type Problem = components['schemas']['Problem']

/** A bearer token, or a function that gets a fresh one (say, Auth0's getAccessTokenSilently). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>)

export interface StoreClientOptions {
  /** Where the API is, e.g. https://api.example.com */
  baseUrl: string
  /** Sent as `Authorization: Bearer <token>` on every request when given. */
  token?: TokenSource
  fetch?: typeof globalThis.fetch
}

export type StoreClient = Client<paths>

function bearerAuth (token: TokenSource): Middleware {
  return {
    async onRequest ({ request }) {
      const value = typeof token === 'function' ? await token() : token
      if (value) request.headers.set('Authorization', `Bearer ${value}`)
      return request
    }
  }
}

/** A typed client for store-api: paths, parameters, bodies and responses checked by TypeScript. */
export function createStoreClient (options: StoreClientOptions): StoreClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) })
  if (options.token !== undefined) client.use(bearerAuth(options.token))
  return client
}
