/**
 * A baseline is only fair while it sends what the API sends: the response headers of
 * GET /products?limit=20 are compared by name, and any difference is reported.
 */
const PER_RESPONSE = new Set(['date', 'content-length', 'connection', 'keep-alive', 'etag', 'transfer-encoding'])

async function headerNames (url: string): Promise<Set<string>> {
  const response = await fetch(`${url}/products?limit=20`, { signal: AbortSignal.timeout(10_000) })
  await response.arrayBuffer()
  return new Set([...response.headers.keys()].filter((name) => !PER_RESPONSE.has(name)))
}

/** Null when every baseline's header names agree with the API's, else a line per baseline that differs. */
export async function policyDifference (apiUrl: string, baselines: Record<string, string>): Promise<string | null> {
  const api = await headerNames(apiUrl)
  const differences: string[] = []
  for (const [name, url] of Object.entries(baselines)) {
    const baseline = await headerNames(url)
    const onlyApi = [...api].filter((header) => !baseline.has(header))
    const onlyBaseline = [...baseline].filter((header) => !api.has(header))
    if (onlyApi.length > 0 || onlyBaseline.length > 0) {
      differences.push(`the ${name} baseline's headers differ from the API's: only the API sends [${onlyApi.join(', ')}], only the baseline [${onlyBaseline.join(', ')}]`)
    }
  }
  return differences.length > 0 ? differences.join('; ') : null
}
