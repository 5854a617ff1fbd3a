import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { DATABASE_RETRY_AFTER_SECONDS } from '../errors'
import { errorFields } from '../log'

/** `GET /api/__healthcheck`: 200 when the database answers, 503 otherwise. */
export const healthApi = new Hono<AppEnv>().get('/__healthcheck', async (c) => {
  try {
    await c.var.deps.db.execute(sql`select 1`)
    return c.json({ ok: true, database: 'ok' })
  } catch (err) {
    c.var.deps.log.error('healthcheck: database unreachable', errorFields(err))
    // The API's 503 body and Retry-After, plus the fields monitors already read.
    c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
    return c.json(
      {
        ok: false,
        database: 'unreachable',
        error_message: 'The database is unreachable',
        code: 'unavailable',
        request_id: c.get('requestId'),
      },
      503,
    )
  }
})
