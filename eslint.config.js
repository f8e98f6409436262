import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', 'client/generated/**', 'client/schema.d.ts', 'bench/results/**'] })
]
