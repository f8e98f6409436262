import openapiTS, { astToString } from 'openapi-typescript'

const HEADER = '// Generated from openapi/openapi.json by `npm run client` (openapi-typescript). Do not edit.\n\n'

/** The TypeScript types of openapi/openapi.json, as client/schema.ts holds them. */
export async function generateClientTypes (): Promise<string> {
  const ast = await openapiTS(new URL('../openapi/openapi.json', import.meta.url), { alphabetize: false })
  return `${HEADER}${astToString(ast)}`
}
