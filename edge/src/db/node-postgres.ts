import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import * as tables from '#schema/tables'
import type { Db } from '#schema'

/** How long to wait for a connection (or a free pool slot) before the request fails with 503. */
const CONNECT_TIMEOUT_MS = 5_000

/**
 * A real Postgres by URL, through node-postgres, with one pool for the process. A lost connection
 * must never end the process: pg emits 'error' on the pool for an idle client and on the client
 * itself when it is checked out between queries, and an unheard 'error' event is an uncaught
 * exception. The pool drops broken clients; the request that used one fails with 503.
 */
export function openNodePostgres(url: string, opts: { max?: number; onConnectionError?: (err: Error) => void } = {}) {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true })
  const heard = opts.onConnectionError ?? (() => {})
  pool.on('error', heard)
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = drizzle({ client: pool, schema: tables, casing: 'snake_case' }) as unknown as Db
  return { db, pool, close: () => pool.end() }
}
