/**
 * `npm run bench:bulk`: the admin-power figures. With N products (default 10,000) in the
 * database, times one bulk import of 1000 products (CSV, through HTTP, as curl would send
 * it), times a full export (CSV and NDJSON, read to the end), and reports the API process's
 * peak RSS before and after the exports (VmHWM from /proc), so the export's cost in memory
 * shows. Runs the production build (`node dist/server.js`) as a child process.
 *
 * Options: --products N (default 10000), --rounds R (default 3), --skip-build
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { cleanup, installExitHandlers, newTempDir, ROOT } from './children.js'
import { prepareDatabase } from './database.js'
import { startBenchIssuer } from './issuer.js'
import { startApi, stopApi } from './server-process.js'

const { values: args } = parseArgs({
  options: {
    products: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    'skip-build': { type: 'boolean', default: false }
  }
})
const products = Number(args.products)
const rounds = Number(args.rounds)

function peakRssMb (pid: number): { current: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024
  return { current: field('VmRSS'), peak: field('VmHWM') }
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

async function main (): Promise<void> {
  if (!args['skip-build']) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    if (build.status !== 0) throw new Error('build failed')
  }
  installExitHandlers()
  const dir = newTempDir()
  const issuer = await startBenchIssuer(dir)
  const { db } = await prepareDatabase({ backend: 'sqlite', dir, name: 'store', products, issuer })
  const api = await startApi({ issuer, databaseUrl: db.url, label: 'bulk', logLevel: 'warn', profile: false })
  try {
    const base = api.url
    const pid = api.child.pid
    const admin = { authorization: `Bearer ${issuer.token('auth0|bench-admin', ['admin'])}` }
    const importMs: number[] = []
    for (let round = 0; round < rounds; round++) {
      const csv = ['title,price,image', ...Array.from({ length: 1000 }, (_, i) => `"Bulk ${round}-${i}, deluxe",${(i % 9999) + 0.99},https://example.com/bulk/${round}/${i}.jpg`)].join('\n')
      const started = performance.now()
      const response = await fetch(`${base}/products/bulk`, { method: 'POST', headers: { ...admin, 'content-type': 'text/csv' }, body: csv })
      await response.arrayBuffer()
      importMs.push(performance.now() - started)
      if (response.status !== 201) throw new Error(`bulk import answered ${response.status}`)
    }
    const beforeExport = peakRssMb(pid)
    const exports: Record<string, { ms: number[]; bytes: number; lines: number }> = {}
    for (const format of ['csv', 'ndjson']) {
      const entry = { ms: [] as number[], bytes: 0, lines: 0 }
      for (let round = 0; round < rounds; round++) {
        const started = performance.now()
        const response = await fetch(`${base}/products/export?format=${format}`)
        let bytes = 0
        let lines = 0
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.byteLength
          for (const byte of chunk) if (byte === 10) lines++
        }
        entry.ms.push(performance.now() - started)
        entry.bytes = bytes
        entry.lines = lines
      }
      exports[format] = entry
    }
    const afterExport = peakRssMb(pid)
    const total = products + rounds * 1000
    console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, node ${process.version}`)
    console.log(`database: ${products} seeded + ${rounds} x 1000 imported = ${total} products`)
    console.log(`bulk import of 1000 products (CSV over HTTP): median ${median(importMs).toFixed(1)} ms (runs: ${importMs.map((ms) => ms.toFixed(1)).join(', ')})`)
    for (const [format, entry] of Object.entries(exports)) {
      console.log(`export ${format}: ${entry.lines} lines, ${(entry.bytes / 1024 / 1024).toFixed(2)} MiB, median ${median(entry.ms).toFixed(1)} ms (runs: ${entry.ms.map((ms) => ms.toFixed(1)).join(', ')})`)
    }
    console.log(`API peak RSS: ${beforeExport.peak.toFixed(1)} MB before the exports, ${afterExport.peak.toFixed(1)} MB after (RSS now ${afterExport.current.toFixed(1)} MB)`)
  } finally {
    await stopApi(api)
    await issuer.close()
    await cleanup()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
