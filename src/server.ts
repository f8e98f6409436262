import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, withoutSecrets } from './config.js'

// Once close() began: how long the requests in flight (and bodies still arriving) may take
// before their connections are closed; then how long the rest of closing may take.
const REQUEST_GRACE_MS = 5000
const CLOSE_GRACE_MS = 5000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function configOrExit () {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`store-api: ${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
}

async function main (): Promise<void> {
  const config = configOrExit()
  const app = await buildApp(config)

  // SIGTERM: say not-ready and go on serving while the balancer notices (SHUTDOWN_DRAIN_MS),
  // then close: Fastify stops accepting, ends idle keep-alive connections and waits for the
  // requests in flight. A client still sending a body when REQUEST_GRACE_MS runs out loses
  // its connection rather than holding the process open.
  const drainMs = config.SHUTDOWN_DRAIN_MS
  closeWithGrace({
    delay: drainMs + REQUEST_GRACE_MS + CLOSE_GRACE_MS,
    logger: { error: (message: string) => app.log.error(message) },
    onTimeout: () => app.log.error('shutdown took too long; exiting')
  }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error')
    else app.log.info({ signal, drainMs }, 'shutting down: /ready answers 503, still serving while the balancer notices')
    app.startDraining()
    if (drainMs > 0 && !err) await sleep(drainMs)
    app.log.info('closing: no new connections, finishing the requests in flight')
    const closed = app.close()
    const settled = await Promise.race([closed.then(() => true), sleep(REQUEST_GRACE_MS).then(() => false)])
    if (!settled) {
      app.log.warn({ graceMs: REQUEST_GRACE_MS }, 'closing the connections still open after the grace period')
      app.server.closeAllConnections()
      await closed
    }
  })

  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  // A SettingError names its setting, masked; any other message is still stripped of every secret.
  process.stderr.write(`store-api: failed to start: ${withoutSecrets(error instanceof Error ? error.message : String(error))}\n`)
  process.exit(1)
})
