import { createApp } from './app'
import { systemClock } from './clock'
import { edgeConfig } from './config'
import { openNeon } from './db/neon'
import { jsonLogger } from './log'
import { runManagerTick } from './services/manager'

const app = createApp({
  makeDeps: (env) => {
    const { db, release } = openNeon(env.DATABASE_URL, env.WS_PROXY || undefined)
    return { deps: { db, clock: systemClock, config: edgeConfig(env), log: jsonLogger }, release }
  },
  // Cloudflare sets this header itself; a client cannot forge it on Workers.
  clientAddress: (c) => c.req.header('CF-Connecting-IP') ?? 'unknown',
})

/** The Worker: the API and, on the cron trigger, the manager's periodic work. */
export default {
  fetch: app.fetch,
  scheduled(_event, env, ctx) {
    const { db, release } = openNeon(env.DATABASE_URL, env.WS_PROXY || undefined)
    ctx.waitUntil(runManagerTick(db, systemClock).finally(release))
  },
} satisfies ExportedHandler<Env>
