/**
 * The same-policy baseline is only fair while it sends what the API sends: the response
 * headers of GET /products?limit=20 are compared by name, and any difference is reported.
 */
const PER_RESPONSE = new Set(['date', 'content-length', 'connection', 'keep-alive', 'etag', 'transfer-encoding'])

async function headerNames (url: string): Promise<Set<string>> {
  const response = await fetch(`${url}/products?limit=20`, { signal: AbortSignal.timeout(10_000) })
  await response.arrayBuffer()
  return new Set([...response.headers.keys()].filter((name) => !PER_RESPONSE.has(name)))
}

/** Null when the header names agree, else a line naming the headers only one of them sends. */
export async function policyDifference (apiUrl: string, baselineUrl: string): Promise<string | null> {
  const [api, baseline] = await Promise.all([headerNames(apiUrl), headerNames(baselineUrl)])
  const onlyApi = [...api].filter((name) => !baseline.has(name))
  const onlyBaseline = [...baseline].filter((name) => !api.has(name))
  if (onlyApi.length === 0 && onlyBaseline.length === 0) return null
  return `the same-policy baseline's headers differ from the API's: only the API sends [${onlyApi.join(', ')}], only the baseline [${onlyBaseline.join(', ')}]`
}
