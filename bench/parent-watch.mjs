// Loaded into the benchmark's child processes (`node --import` for the API, imported by the
// baselines): if `npm run bench` dies without cleaning up (SIGKILL), the child notices that
// its parent changed and stops itself, so nothing outlives a broken run. One unref'd timer,
// twice a second, off every request path.
const parent = process.ppid
const timer = setInterval(() => {
  if (process.ppid === parent) return
  clearInterval(timer)
  process.kill(process.pid, 'SIGTERM')
  setTimeout(() => process.exit(1), 5000).unref()
}, 500)
timer.unref()
