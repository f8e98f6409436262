import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'

const SHUTDOWN_GRACE_MS = 10_000

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`store-api: ${error.message}\n`)
      process.exit(1)
    }
    throw error
  }

  const app = await buildApp(config)

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight')
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS)
    timer.unref()
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down')
        process.exit(1)
      }
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))

  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  process.stderr.write(`store-api: failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
