import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}

interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

export interface SelfTime {
  name: string
  where: string
  ms: number
  share: number
}

export interface ProfileSummary {
  file: string
  totalMs: number
  /** Total less (idle) and (program) outside JavaScript; what the shares are of. */
  busyMs: number
  functions: SelfTime[]
  packages: SelfTime[]
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)'])

function shortUrl (url: string): string {
  if (!url) return ''
  const path = url.replace(/^file:\/\//, '')
  const modules = path.lastIndexOf('/node_modules/')
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length)
  const dist = path.lastIndexOf('/dist/')
  if (dist >= 0) return path.slice(dist + 1)
  return path
}

/** Who a frame belongs to: a package, the app (dist/), node internals, or a V8 bucket. */
function owner (frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName
  const url = frame.url.replace(/^file:\/\//, '')
  if (!url) return '(native / V8 builtins)'
  if (url.startsWith('node:')) return 'node internals'
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)
  }
  if (url.includes('/dist/')) return 'app (dist/)'
  return url
}

/** Self time per function and per package from a V8 .cpuprofile (as written by --cpu-prof). */
export function summariseProfile (file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  // timeDeltas[i] is the time since the previous sample; it is charged to sample i - 1.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!
    const spent = deltas[i + 1] ?? 0
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(spent, 0))
  }
  const functions = new Map<string, { name: string; where: string; us: number }>()
  const packages = new Map<string, number>()
  let totalUs = 0
  let idleUs = 0
  for (const [id, us] of selfUs) {
    const node = byId.get(id)
    if (!node) continue
    totalUs += us
    const frame = node.callFrame
    if (frame.functionName === '(idle)') idleUs += us
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''
    const name = frame.functionName || '(anonymous)'
    const key = `${name}\u0000${where}`
    const entry = functions.get(key) ?? { name, where, us: 0 }
    entry.us += us
    functions.set(key, entry)
    const pkg = owner(frame)
    packages.set(pkg, (packages.get(pkg) ?? 0) + us)
  }
  const busyUs = Math.max(totalUs - idleUs, 1)
  const share = (us: number) => us / busyUs
  return {
    file,
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    functions: [...functions.values()]
      .filter((entry) => entry.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((entry) => ({ name: entry.name, where: entry.where, ms: entry.us / 1000, share: share(entry.us) })),
    packages: [...packages.entries()]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, us]) => ({ name, where: '', ms: us / 1000, share: share(us) }))
  }
}

export function formatSummary (summary: ProfileSummary): string {
  const lines = [
    `CPU profile ${summary.file}`,
    `  sampled ${(summary.totalMs / 1000).toFixed(1)} s, of which busy (not idle) ${(summary.busyMs / 1000).toFixed(1)} s; shares below are of busy time`,
    '  top self time by function:'
  ]
  for (const entry of summary.functions) {
    lines.push(`    ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}  ${entry.where}`)
  }
  lines.push('  self time by owner:')
  for (const entry of summary.packages) {
    lines.push(`    ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}`)
  }
  return lines.join('\n')
}

// `tsx bench/profile-summary.ts <file.cpuprofile> [top]`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2]
  if (!file) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n')
    process.exit(2)
  }
  process.stdout.write(`${formatSummary(summariseProfile(file, Number(process.argv[3] ?? 25)))}\n`)
}
