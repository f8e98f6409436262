/**
 * `--before <rev>`: the server as it was at an earlier revision, measured in the same rounds as
 * this checkout's. The revision is copied with `git archive` into a temporary directory
 * (removed after the run, also on a signal; nothing is added to the repository's worktree
 * list), given this checkout's node_modules, and built with its own `npm run build`.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, build, newTempDir, removeTempDir, runNpm } from './children.js'

export interface Revision {
  /** As given on the command line. */
  rev: string
  commit: string
  short: string
}

/** The commit `rev` names in this repository, or null when it names none. */
export function resolveRevision (rev: string): Revision | null {
  const found = spawnSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd: ROOT, encoding: 'utf8' })
  const commit = found.status === 0 ? found.stdout.trim() : ''
  return /^[0-9a-f]{40}$/.test(commit) ? { rev, commit, short: commit.slice(0, 7) } : null
}

export interface BeforeBuild extends Revision {
  /** The built copy: its package.json, dist/server.js and (linked) node_modules. */
  root: string
  /** How its dependencies were provided. */
  dependencies: string
  buildWarning: string | null
  remove(): void
}

type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }

/** The revision's declared packages that this checkout's node_modules does not hold. */
export function missingPackages (root: string, modules = join(ROOT, 'node_modules')): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
  return names.filter((name) => !existsSync(join(modules, name, 'package.json')))
}

/** A symlink to this checkout's node_modules when it holds every package; else `npm ci` there. */
async function provideDependencies (root: string): Promise<string> {
  const missing = missingPackages(root)
  if (missing.length === 0) {
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir')
    return "this checkout's node_modules (symlinked; every declared package present)"
  }
  const { code, output } = await runNpm(['ci', '--ignore-scripts=false', '--no-audit', '--no-fund'], root, 600_000)
  if (code !== 0) throw new Error(`--before: npm ci in the copy of the revision failed (exit code ${code}):\n${output}`)
  return `npm ci in the copy (this checkout's node_modules lacks ${missing.join(', ')})`
}

/** Copies, provides for and builds `revision`; the caller removes it (`remove()`) after the run. */
export async function buildBefore (revision: Revision): Promise<BeforeBuild> {
  const dir = newTempDir()
  const root = join(dir, 'tree')
  const remove = () => removeTempDir(dir)
  try {
    mkdirSync(root)
    const archive = join(dir, 'tree.tar')
    execFileSync('git', ['archive', '--format=tar', '-o', archive, revision.commit], { cwd: ROOT, stdio: 'pipe' })
    execFileSync('tar', ['-xf', archive, '-C', root], { stdio: 'pipe' })
    rmSync(archive)
    const dependencies = await provideDependencies(root)
    const buildWarning = await build(root)
    return { ...revision, root, dependencies, buildWarning, remove }
  } catch (error) {
    remove()
    throw error
  }
}
