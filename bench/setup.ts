// Brings up what the bench measures: a throwaway Postgres, migrated and bootstrapped, the edge app
// on it, an API key allowed to view users and workspaces, and seeded users and workspaces.
import { randomBytes } from 'node:crypto'
import { migrate } from '#schema'
import { createApp } from '../edge/src/app'
import { systemClock } from '../edge/src/clock'
import { edgeConfig } from '../edge/src/config'
import { openNodePostgres } from '../edge/src/db/node-postgres'
import type { Deps } from '../edge/src/deps'
import { silentLogger } from '../edge/src/log'
import { bootstrap } from '../edge/src/services/bootstrap'
import { generateEdgeKey } from '../edge/src/services/fleet/edge-key'
import { startPostgres, type RunningPostgres } from '../tests/support/postgres'

export const SEED_USERS = 50
export const SEED_IMAGES = 20
export const POOL_MAX = 10

type App = ReturnType<typeof createApp>

export type BenchEnv = {
  pg: RunningPostgres
  database: ReturnType<typeof openNodePostgres>
  deps: Deps
  app: App
  apiKey: { api_key: string; api_key_secret: string }
  userIds: string[]
  timings: { postgresMs: number; migrateBootstrapMs: number; seedMs: number }
}

/** POST /api/public/<verb> in-process; throws unless the answer is 200. */
export async function callApi(app: App, verb: string, body: unknown, token?: string): Promise<any> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  const res = await app.request(`/api/public/${verb}`, { method: 'POST', headers, body: JSON.stringify(body) })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${verb} answered ${res.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

/** Everything up and seeded; on failure, whatever was started is stopped again. */
export async function setup(): Promise<BenchEnv> {
  let t = performance.now()
  const lap = () => {
    const now = performance.now()
    const ms = now - t
    t = now
    return Math.round(ms)
  }
  const pg = await startPostgres()
  const postgresMs = lap()
  let database: ReturnType<typeof openNodePostgres> | undefined
  try {
    database = openNodePostgres(pg.url(), { max: POOL_MAX })
    await migrate(database.db)
    const adminPassword = randomBytes(18).toString('base64url')
    await bootstrap(database.db, { adminPassword, userPassword: randomBytes(18).toString('base64url') })
    const migrateBootstrapMs = lap()

    const config = edgeConfig({
      SESSION_SECRET: randomBytes(32).toString('base64'),
      EDGE_SIGNING_KEY: JSON.stringify(await generateEdgeKey()),
      SECRETS_KEY: `k1:${randomBytes(32).toString('base64')}`,
    })
    const deps: Deps = { db: database.db, clock: systemClock, config, log: silentLogger, defer: () => {} }
    const app = createApp({ makeDeps: () => ({ deps }), clientAddress: () => '127.0.0.1' })

    const { token } = await callApi(app, 'login', { username: 'admin@kasm.local', password: adminPassword })
    const created = await callApi(app, 'create_api_key', { target_api_key: { name: 'bench' } }, token)
    const key = created.api_key as { api_key_id: string; api_key: string; api_key_secret: string }
    await callApi(
      app,
      'set_api_key_permissions',
      { target_api_key: { api_key_id: key.api_key_id }, target_permissions: ['users_view', 'images_view'] },
      token,
    )
    const userIds: string[] = []
    for (let n = 1; n <= SEED_USERS; n++) {
      const r = await callApi(app, 'create_user', { target_user: { username: `bench-${n}@example.com` } }, token)
      userIds.push(r.user.user_id)
    }
    for (let n = 1; n <= SEED_IMAGES; n++) {
      await callApi(app, 'create_image', { target_image: { friendly_name: `WS ${n}`, name: 'oriel/desktop:1.0' } }, token)
    }
    const seedMs = lap()
    return {
      pg,
      database,
      deps,
      app,
      apiKey: { api_key: key.api_key, api_key_secret: key.api_key_secret },
      userIds,
      timings: { postgresMs, migrateBootstrapMs, seedMs },
    }
  } catch (err) {
    await database?.close().catch(() => {})
    pg.stop()
    throw err
  }
}
