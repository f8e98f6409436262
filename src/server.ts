import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, withoutSecrets } from './config.js'

const SHUTDOWN_GRACE_MS = 10_000
// How long a body still arriving at shutdown may take to arrive before its connection is closed.
const BODY_GRACE_MS = 1000

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

  closeWithGrace({
    delay: SHUTDOWN_GRACE_MS,
    logger: { error: (message: string) => app.log.error(message) },
    onTimeout: () => app.log.error('shutdown took too long; exiting')
  }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error')
    else app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight')
    // Stops accepting and closes idle connections; resolves once every request has ended.
    const closed = app.close()
    await app.closeConnectionsWhenSettled(BODY_GRACE_MS)
    await closed
  })

  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  // A SettingError names its setting, masked; any other message is still stripped of every secret.
  process.stderr.write(`store-api: failed to start: ${withoutSecrets(error instanceof Error ? error.message : String(error))}\n`)
  process.exit(1)
})
