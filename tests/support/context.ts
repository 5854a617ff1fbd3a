// The app under test against this file's own database, with helpers to call it as a Kasm client would.
import { afterAll, beforeAll } from 'vitest'
import { sql } from 'drizzle-orm'
import { createApp } from '../../edge/src/app'
import { edgeConfig } from '../../edge/src/config'
import { silentLogger, type Logger } from '../../edge/src/log'
import { openTestDb } from '#test-db'
import { builders } from './builders'
import { testClock } from './clock'
import { TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from './constants'

export type Auth = { token: string } | { cookie: string } | { key: { api_key: string; api_key_secret: string } } | null
export type ApiResult = { status: number; body: any; headers: Headers }

export const CLIENT_ADDRESS = '203.0.113.7'
const COUNTED = [
  'users',
  'user_attributes',
  'groups',
  'user_groups',
  'group_settings',
  'group_permissions',
  'images',
  'group_images',
  'zones',
  'api_keys',
  'api_key_permissions',
  'kasms',
  'auth_sessions',
  'servers',
  'server_pools',
] as const

/** `log`: where the edge's log lines go (silent by default). */
export async function testContext(opts: { log?: Logger } = {}) {
  const testDb = await openTestDb()
  const clock = testClock()
  const config = edgeConfig({ SESSION_SECRET: TEST_SESSION_SECRET, EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY, SECRETS_KEY: TEST_SECRETS_KEY })
  let address = CLIENT_ADDRESS
  /** The sign-in slowdowns asked for, in ms; waiting moves the test clock instead of sleeping. */
  const signInWaits: number[] = []
  const app = createApp({
    makeDeps: () => {
      const { db, release } = testDb.perRequestDb()
      return { deps: { db, clock, config, log: opts.log ?? silentLogger }, release }
    },
    clientAddress: () => address,
    signInWait: async (ms) => {
      signInWaits.push(ms)
      clock.advance(ms)
    },
  })

  /** POST /api/public/<verb> with a JSON body, authenticated as given. */
  async function api(verb: string, body: Record<string, unknown> = {}, auth: Auth = null): Promise<ApiResult> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    let payload = body
    if (auth && 'token' in auth) headers.Authorization = `Bearer ${auth.token}`
    if (auth && 'cookie' in auth) headers.Cookie = `oriel_session=${auth.cookie}`
    if (auth && 'key' in auth) payload = { api_key: auth.key.api_key, api_key_secret: auth.key.api_key_secret, ...body }
    const res = await app.request(`/api/public/${verb}`, { method: 'POST', headers, body: JSON.stringify(payload) })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
  }

  /** Row counts of every table a verb may change: equal before and after means nothing changed. */
  async function counts(): Promise<Record<(typeof COUNTED)[number], number>> {
    const out = {} as Record<(typeof COUNTED)[number], number>
    const tables = COUNTED
    for (const t of tables) {
      const r = (await testDb.db.execute(sql.raw(`select count(*)::int as n from ${t}`))) as unknown as { rows: { n: number }[] }
      out[t] = Number(r.rows[0]!.n)
    }
    return out
  }

  return {
    app,
    db: testDb.db,
    kind: testDb.kind,
    clock,
    config,
    api,
    counts,
    seed: builders(testDb.db, clock, config.sessionSecret),
    setClientAddress: (a: string) => void (address = a),
    signInWaits,
    close: testDb.close,
  }
}
export type TestContext = Awaited<ReturnType<typeof testContext>>

/** Registers this file's context: a fresh database and an admin before its tests, closed after. */
export function useTestContext(opts: { log?: Logger } = {}) {
  const t = {} as TestContext
  const admin = { token: '' }
  beforeAll(async () => {
    Object.assign(t, await testContext(opts))
    admin.token = (await t.seed.admin()).token
  })
  afterAll(() => t.close())
  return { t, admin }
}
