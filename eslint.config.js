import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'

// The layers below HTTP (pure helpers, the domain services, storage) know no web framework.
const belowHttp = {
  regex: String.raw`^(fastify|fastify-.*|@fastify/.*)$|(^|/)(http|routes|plugins)/`,
  message: 'src/lib, src/services and src/store sit below HTTP: no fastify, src/http, src/routes or src/plugins.'
}
// A route file registers its own routes; what two share lives in src/http, src/schemas or a service.
const otherRoutes = (regex) => ({ regex, message: 'a route file does not import another route file.' })

export default [
  // What git ignores (dist/, coverage/, scratch folders, ...) plus generated client files.
  ...neostandard({ ts: true, ignores: [...resolveIgnoresFromGitignore(), 'client/generated/**', 'client/schema.ts'] }),
  // Sized for reading: every line counts, blank lines and comments too.
  { files: ['src/**'], rules: { 'max-lines-per-function': ['error', { max: 80 }] } },
  { files: ['test/**'], rules: { 'max-lines': ['error', { max: 500 }] } },
  {
    files: ['src/lib/**', 'src/services/**', 'src/store/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [belowHttp] }] }
  },
  {
    files: ['src/routes/*'],
    rules: { 'no-restricted-imports': ['error', { patterns: [otherRoutes(String.raw`^\./`)] }] }
  },
  {
    files: ['src/routes/*/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [otherRoutes(String.raw`^\./|^\.\./(?!\.\./)`)] }] }
  }
]
