import pg from 'pg'

export const REVOCATION_CHANNEL = 'store_revocations'
// The safety net under LISTEN/NOTIFY: the revocation counter is read this often, and a
// "not revoked" answer is trusted only while the last good read is younger than STALE_MS.
const POLL_MS = 400
const STALE_MS = 1000
const POLL_TIMEOUT_MS = 800
const MAX_BACKOFF_MS = 5000

/**
 * Moves a generation number whenever another process (or this one) may have written a
 * revocation: on every NOTIFY, on a listener reconnect, and when the polled counter moves.
 * While the listener is down or the poll is stale, every call returns a new number, so no
 * cached "not revoked" answer is reused.
 */
export class RevocationWatch {
  readonly #pool: pg.Pool
  readonly #clientConfig: pg.ClientConfig
  #generation = 0
  #listener: pg.Client | null = null
  #backoffMs = 100
  #seenCounter: string | null = null
  #polledAt = Number.NEGATIVE_INFINITY
  #pollTimer: NodeJS.Timeout | undefined
  #reconnectTimer: NodeJS.Timeout | undefined
  #closed = false

  constructor (pool: pg.Pool, clientConfig: pg.ClientConfig) {
    this.#pool = pool
    this.#clientConfig = clientConfig
  }

  /** Listens and polls once before returning; later failures only make the generation volatile. */
  async start (): Promise<void> {
    await this.#listen()
    await this.#poll()
  }

  generation (): number {
    if (this.#listener === null || performance.now() - this.#polledAt > STALE_MS) return ++this.#generation
    return this.#generation
  }

  bump (): void {
    this.#generation++
  }

  async #listen (): Promise<void> {
    const client = new pg.Client(this.#clientConfig)
    const lost = () => this.#lost(client)
    client.on('error', lost)
    client.on('end', lost)
    client.on('notification', () => this.bump())
    try {
      await client.connect()
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`)
    } catch {
      client.removeListener('end', lost)
      client.end().catch(() => {})
      this.#scheduleReconnect()
      return
    }
    if (this.#closed) {
      await client.end().catch(() => {})
      return
    }
    this.#listener = client
    this.#backoffMs = 100
    // Notifications sent while nobody listened are lost: forget every "not revoked".
    this.bump()
  }

  #lost (client: pg.Client): void {
    if (this.#listener !== client) return
    this.#listener = null
    this.bump()
    client.end().catch(() => {})
    this.#scheduleReconnect()
  }

  #scheduleReconnect (): void {
    if (this.#closed || this.#reconnectTimer) return
    const delay = this.#backoffMs
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS)
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      this.#listen().catch(() => this.#scheduleReconnect())
    }, delay)
    this.#reconnectTimer.unref()
  }

  async #poll (): Promise<void> {
    const startedAt = performance.now()
    try {
      const { rows } = await this.#pool.query<{ last_value: string, is_called: boolean }>({
        text: 'SELECT last_value, is_called FROM revocation_events',
        query_timeout: POLL_TIMEOUT_MS
      } as pg.QueryConfig)
      const counter = `${rows[0]?.last_value}:${rows[0]?.is_called}`
      if (counter !== this.#seenCounter) {
        if (this.#seenCounter !== null) this.bump()
        this.#seenCounter = counter
      }
      this.#polledAt = startedAt
    } catch {
      // Stale now: generation() turns volatile until a poll succeeds again.
    }
    if (this.#closed) return
    this.#pollTimer = setTimeout(() => {
      this.#poll().catch(() => {})
    }, POLL_MS)
    this.#pollTimer.unref()
  }

  async close (): Promise<void> {
    this.#closed = true
    clearTimeout(this.#pollTimer)
    clearTimeout(this.#reconnectTimer)
    const listener = this.#listener
    this.#listener = null
    if (listener) await listener.end().catch(() => {})
  }
}
