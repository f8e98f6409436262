/**
 * Loaded into every test process tap starts (`node-arg` in package.json), after tap's own
 * coverage hook. Coverage is measured in those processes only, never in what they spawn.
 *
 * Why: tap's coverage hook (@tapjs/processinfo) follows every child process through
 * NODE_OPTIONS and its own `_TAPJS_PROCESSINFO_*` variables, which it adds back even to a
 * child started with a bare environment. A child such as `node --import tsx src/server.ts`
 * compiles each file with tsx, which minifies it to a line or two; c8 then merges that
 * file's counts with those of the test processes (compiled by ts-node, with other offsets)
 * and keeps whichever source map it reads last, in directory order. Depending on that order
 * a run measured the whole tree or two files, and failed the thresholds.
 *
 * The variable below is processinfo's own per-process switch (tap sets it to '0' for a test
 * its coverage map excludes). This process has already registered its coverage; setting the
 * switch now only reaches the processes spawned from here, and theirs, however they are spawned.
 */
export const CHILD_COVERAGE_SWITCH = '_TAPJS_PROCESSINFO_COVERAGE_'

process.env[CHILD_COVERAGE_SWITCH] = '0'
