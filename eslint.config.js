import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'

export default [
  // What git ignores (dist/, coverage/, scratch folders, ...) plus generated client files.
  ...neostandard({ ts: true, ignores: [...resolveIgnoresFromGitignore(), 'client/generated/**', 'client/schema.ts'] })
]
