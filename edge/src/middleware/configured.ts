import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env'

/** The runtime's configuration problem, if any (Workers: a missing or malformed secret). */
export type Misconfigured = (env: Env) => string | undefined

/**
 * Refuses every request, the healthcheck included, with the configuration's one clear message while the
 * configuration is wrong: 503 and Kasm's `error_message`, never a 500, and nothing else runs.
 */
export const refuseMisconfigured = (misconfigured: Misconfigured | undefined) =>
  createMiddleware<AppEnv>(async function refuseMisconfigured(c, next) {
    const problem = misconfigured?.(c.env)
    if (problem === undefined) return next()
    return c.json({ ok: false, error_message: problem, code: 'misconfigured', request_id: c.get('requestId') }, 503)
  })
