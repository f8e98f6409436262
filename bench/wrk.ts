/**
 * Driving wrk (`--generator wrk`): the same loads as autocannon's, sent by a C load generator.
 * A scenario's rotating requests (random ids, 10,000 tokens, new products) are drawn here in
 * advance and cycled by a generated Lua script, as autocannon's setupRequest would draw them.
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type autocannon from 'autocannon'
import type { Load, Measured } from './load.js'

// Enough draws for every one of 10,000 tokens or ids to come up (and few enough for LuaJIT).
const DRAWS = 10_000

export function wrkAvailable (): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined
}

function luaString (text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`wrk script: only printable ASCII can be sent (got ${JSON.stringify(text.slice(0, 40))})`)
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

function draw (request: autocannon.Request): autocannon.Request {
  const copy = { ...request, headers: { ...request.headers } }
  return typeof request.setupRequest === 'function' ? request.setupRequest(copy, {}) : copy
}

function luaRequest (request: autocannon.Request): string {
  const headers = Object.entries(request.headers ?? {}).map(([name, value]) => `[${luaString(name)}] = ${luaString(String(value))}`)
  const body = request.body === undefined ? 'nil' : luaString(String(request.body))
  return `{ ${luaString(request.method ?? 'GET')}, ${luaString(request.path ?? '/')}, { ${headers.join(', ')} }, ${body} }`
}

const scripts = new WeakMap<Load, string>()

/** The Lua script for `load`: its requests in the order each connection of autocannon would send them. */
function scriptFor (load: Load): string {
  let file = scripts.get(load)
  if (file) return file
  const rotating = load.requests.some((request) => typeof request.setupRequest === 'function')
  const sequence: string[] = []
  const rounds = rotating ? Math.ceil(DRAWS / load.requests.length) : 1
  for (let i = 0; i < rounds; i++) {
    for (const request of load.requests) sequence.push(luaRequest(draw(request)))
  }
  file = join(mkdtempSync(join(tmpdir(), 'store-api-wrk-')), 'load.lua')
  writeFileSync(file, `local list = {\n${sequence.join(',\n')}\n}
local requests = {}
local next = 1
init = function ()
  for i, r in ipairs(list) do requests[i] = wrk.format(r[1], r[2], r[3], r[4]) end
  next = 1
end
request = function ()
  local r = requests[next]
  next = next % #requests + 1
  return r
end
`)
  scripts.set(load, file)
  return file
}

function milliseconds (text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '')
  if (!match) return Number.NaN
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm']
  return Number(match[1]) * scale
}

function parse (output: string): Measured {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0)
  const non2xx = number(/Non-2xx or 3xx responses: (\d+)/)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50: milliseconds(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99: milliseconds(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    non2xx,
    errors: socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0,
    timeouts: socket ? Number(socket[4]) : 0,
    total: number(/(\d+) requests in/),
    statusCodes: non2xx ? { 'non-2xx or 3xx': non2xx } : {}
  }
}

/** One wrk run of `load` against `url`: one thread (one core), no pipelining. */
export async function runWrk (url: string, load: Load, seconds: number, connections: number): Promise<Measured> {
  const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--timeout', '10s', '--latency', '-s', scriptFor(load), url]
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${stderr || error.message}`))
      else resolve(parse(stdout))
    })
  })
}
