import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Gap {
  /** Wall-clock time between two /health answers, in ms: what a client waited. */
  wall: number
  /** CPU time this process spent meanwhile, in ms: the same, less what other processes took. */
  cpu: number
}

export interface HealthWatch {
  /** The longest gap since the last call (or the start). */
  lap(): Gap
  /** Stops polling; the longest gap overall and how many times /health answered. */
  stop(): Promise<Gap & { answered: number }>
}

function getHealth (port: number, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/health', agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    }).on('error', reject).end()
  })
}

function cpuMs (): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function longer (a: Gap, b: Gap): Gap {
  return { wall: Math.max(a.wall, b.wall), cpu: Math.max(a.cpu, b.cpu) }
}

/**
 * A second client asking GET /health over its own socket every few ms. The app runs in this
 * process, so any stretch in which the event loop is held shows as a gap between two answers.
 * The CPU time spent in a gap is the stall detector: wall-clock gaps also grow with whatever
 * else the machine runs (parallel test suites), CPU time only with work this process did.
 */
export function watchHealth (port: number): HealthWatch {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const state = { running: true }
  let overall: Gap = { wall: 0, cpu: 0 }
  let lap: Gap = { wall: 0, cpu: 0 }
  let answered = 0
  const loop = (async () => {
    let last = { wall: performance.now(), cpu: cpuMs() }
    while (state.running) {
      const status = await getHealth(port, agent)
      if (status !== 200) throw new Error(`/health answered ${status}`)
      const now = { wall: performance.now(), cpu: cpuMs() }
      const gap = { wall: now.wall - last.wall, cpu: now.cpu - last.cpu }
      overall = longer(overall, gap)
      lap = longer(lap, gap)
      last = now
      answered++
      await sleep(5)
    }
  })()
  return {
    lap () {
      const result = lap
      lap = { wall: 0, cpu: 0 }
      return result
    },
    async stop () {
      state.running = false
      await loop
      agent.destroy()
      return { ...overall, answered }
    }
  }
}

export interface Sent {
  status: number
  body: string
}

/** One request over a real socket (no keep-alive), its body written in one go. */
export function send (port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(body)
  })
}
