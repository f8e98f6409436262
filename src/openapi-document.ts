import { buildApp } from './app.js'
import { loadConfig } from './config.js'

/** JSON with every non-ASCII character escaped: the same document, but white space in patterns stays readable. */
function asciiJson (value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[^ -~\n]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * The OpenAPI document as the code defines it. Built with a fixed configuration so the
 * result depends only on the route schemas, never on the machine's environment.
 */
export async function generateOpenApiDocument (): Promise<string> {
  const app = await buildApp(
    loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: ':memory:',
      AUTH0_ISSUER_BASE_URL: 'http://127.0.0.1:9/',
      AUTH0_AUDIENCE: 'https://store-api'
    })
  )
  try {
    await app.ready()
    return `${asciiJson(app.swagger())}\n`
  } finally {
    await app.close()
  }
}
