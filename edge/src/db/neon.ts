import { neonConfig, Pool } from '@neondatabase/serverless'
import { drizzle } from 'drizzle-orm/neon-serverless'
import * as tables from '#schema/tables'
import type { Db } from '#schema'

/**
 * Neon's serverless driver over WebSocket, as on Workers: a pool per request (Workers may not share
 * I/O objects across requests), ended after the response. `wsProxy` points the driver at a local
 * ws→TCP proxy in front of a plain Postgres (tests, wrangler dev); unset in production.
 */
export function openNeon(url: string, wsProxy?: string) {
  if (wsProxy) {
    neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`
    neonConfig.useSecureWebSocket = false
    neonConfig.pipelineTLS = false
    // Pipelining the password only works with cleartext auth; a local Postgres uses SCRAM or trust.
    neonConfig.pipelineConnect = false
  }
  const pool = new Pool({ connectionString: url })
  // A socket that closes makes the pool (idle client) or the client itself (checked out, between
  // queries) emit 'error'; unheard, that is an uncaught exception. Queries in flight still reject
  // with their own error, which the API answers with 503.
  pool.on('error', () => {})
  pool.on('connect', (client: { on: (event: 'error', listener: () => void) => unknown }) => client.on('error', () => {}))
  const db = drizzle({ client: pool, schema: tables, casing: 'snake_case' }) as unknown as Db
  return { db, release: () => pool.end() }
}
