import { createApp } from './app'
import { systemClock } from './clock'
import { checkWorkerEnv, type CheckedWorkerEnv } from './config'
import { openNeon } from './db/neon'
import { jsonLogger } from './log'
import { runManagerTick } from './services/manager'

// Secrets are read and checked once per isolate (a deploy that changes them starts new isolates).
const checked = new WeakMap<object, CheckedWorkerEnv>()
function configured(env: Env): CheckedWorkerEnv {
  let result = checked.get(env)
  if (!result) {
    result = checkWorkerEnv(env)
    checked.set(env, result)
    if (!result.ok) jsonLogger.error(result.error)
  }
  return result
}

const app = createApp({
  misconfigured: (env) => {
    const result = configured(env)
    return result.ok ? undefined : result.error
  },
  makeDeps: (env) => {
    const result = configured(env)
    // refuseMisconfigured answered before this runs when the configuration is wrong.
    if (!result.ok) throw new Error(result.error)
    const { db, release } = openNeon(result.databaseUrl, env.WS_PROXY || undefined)
    return { deps: { db, clock: systemClock, config: result.config, log: jsonLogger }, release }
  },
  // Cloudflare sets this header itself; a client cannot forge it on Workers.
  clientAddress: (c) => c.req.header('CF-Connecting-IP') ?? 'unknown',
})

/** The Worker: the API and, on the cron trigger, the manager's periodic work. */
export default {
  fetch: app.fetch,
  scheduled(_event, env, ctx) {
    const result = configured(env)
    if (!result.ok) return
    const { db, release } = openNeon(result.databaseUrl, env.WS_PROXY || undefined)
    ctx.waitUntil(runManagerTick(db, systemClock).finally(release))
  },
} satisfies ExportedHandler<Env>
