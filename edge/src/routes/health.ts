import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { errorFields } from '../log'

/** `GET /api/__healthcheck`: 200 when the database answers, 503 otherwise. */
export const healthApi = new Hono<AppEnv>().get('/__healthcheck', async (c) => {
  try {
    await c.var.deps.db.execute(sql`select 1`)
    return c.json({ ok: true, database: 'ok' })
  } catch (err) {
    c.var.deps.log.error('healthcheck: database unreachable', errorFields(err))
    return c.json({ ok: false, database: 'unreachable' }, 503)
  }
})
