// An Oriel database filled the way admins fill one (users, groups, a private-registry workspace, a server
// with an encrypted password, an API key, an agent with a running session), and a dump to compare two
// databases row for row. Shared by the backup tests on PGlite and on Postgres (Node only).
import { spawn } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sql } from 'drizzle-orm'
import type { Db } from '#schema'
import { createApp } from '../../edge/src/app'
import type { Clock } from '../../edge/src/clock'
import { edgeConfig } from '../../edge/src/config'
import type { EdgeConfig } from '../../edge/src/deps'
import { silentLogger } from '../../edge/src/log'
import { generateEdgeKey } from '../../edge/src/services/fleet/edge-key'
import { currentSecrets, secretPath, type Secrets } from '../../edge/src/node/backup/secrets'
import { builders } from './builders'
import { testClock } from './clock'
import type { TestContext } from './context'
import { enrolTestAgent, registrationToken, type TestAgent } from './test-agent'

export const SERVER_PASSWORD = 'server-password-Ω-4711'
export const REGISTRY_PASSWORD = 'registry-password-Ω-0815'
export const ADMIN_PASSWORD = 'admin-password-for-backups'

/** Fresh keys, written as `npm start` writes them into a data folder (mode 0600). */
export async function writeFreshSecrets(dataDir: string): Promise<Secrets> {
  const values = {
    SESSION_SECRET: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
    EDGE_SIGNING_KEY: JSON.stringify(await generateEdgeKey()),
    SECRETS_KEY: `k1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`,
  }
  for (const [name, value] of Object.entries(values)) {
    writeFileSync(secretPath(dataDir, name as keyof typeof values), value, { mode: 0o600 })
    chmodSync(secretPath(dataDir, name as keyof typeof values), 0o600)
  }
  return values
}

/** The app against `db` with the data folder's keys; `app` can be swapped for a restored database's. */
export function harness(db: Db, dataDir: string, clock = testClock()): Harness {
  const h: Harness = {
    clock,
    db,
    app: appFor(db, dataDir, clock),
    config: configFor(dataDir),
    async api(verb: string, body: Record<string, unknown> = {}, auth: { token: string } | null = null) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' }
      if (auth) headers.Authorization = `Bearer ${auth.token}`
      const res = await h.app.request(`/api/public/${verb}`, { method: 'POST', headers, body: JSON.stringify(body) })
      return { status: res.status, body: (await res.json()) as any }
    },
    /** Points the harness (and agents enrolled through it) at another database. */
    use(next: Db) {
      h.db = next
      h.app = appFor(next, dataDir, clock)
      h.config = configFor(dataDir)
    },
  }
  return h
}
export type Harness = {
  clock: ReturnType<typeof testClock>
  db: Db
  app: ReturnType<typeof createApp>
  config: EdgeConfig
  api: (verb: string, body?: Record<string, unknown>, auth?: { token: string } | null) => Promise<{ status: number; body: any }>
  use: (next: Db) => void
}

const configFor = (dataDir: string) => edgeConfig(currentSecrets(dataDir, {}))
const appFor = (db: Db, dataDir: string, clock: Clock) => {
  const config = configFor(dataDir)
  return createApp({ makeDeps: () => ({ deps: { db, clock, config, log: silentLogger } }), clientAddress: () => '203.0.113.7' })
}
const uuid = (hex: string) => hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')

/** Fills the database through the API, as an admin and a user would. */
export async function fillOriel(h: Harness) {
  const seed = builders(h.db, h.clock, h.config.sessionSecret)
  const admin = await seed.admin()
  const ok = async (verb: string, body: Record<string, unknown>, auth: { token: string } | null = admin) => {
    const res = await h.api(verb, body, auth)
    if (res.status !== 200) throw new Error(`${verb}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  await ok('create_zone', { target_zone: { zone_name: 'eu-west', proxy_port: 443 } })
  const group = (await ok('create_group', { target_group: { name: 'Engineering', priority: 50, description: 'Builds things' } })).group
  await ok('update_settings_group', {
    target_group: { group_id: group.group_id },
    target_setting: { name: 'max_kasms_per_user', value: '3' },
  })
  const ada = (
    await ok('create_user', { target_user: { username: 'ada@example.com', first_name: 'Ada', password: 'a long password for Ada' } })
  ).user
  await ok('create_user', { target_user: { username: 'grace@example.com', city: 'Arlington' } })
  await ok('add_user_group', { target_user: { user_id: ada.user_id }, target_group: { group_id: group.group_id } })
  const image = (
    await ok('create_image', {
      target_image: {
        friendly_name: 'Private desktop',
        name: 'registry.example.com/team/desktop:2',
        cores: 1,
        memory: 1_073_741_824,
        docker_registry: 'registry.example.com',
        docker_user: 'puller',
        docker_password: REGISTRY_PASSWORD,
        categories: ['Development'],
      },
    })
  ).image
  await ok('add_images_group', { target_group: { group_id: group.group_id }, target_image: { image_id: image.image_id } })
  const pool = (await ok('create_server_pool', { target_server_pool: { server_pool_name: 'Desks' } })).server_pool
  const server = (
    await ok('create_server', {
      target_server: {
        name: 'win-desk-1',
        zone_name: 'default',
        connection_type: 'RDP',
        connection_credential_type: 'STATIC',
        ip_hostname: 'win1.example',
        port: 3389,
        connection_username: 'ops',
        connection_password: SERVER_PASSWORD,
        pool_id: pool.server_pool_id,
        labels: 'windows, desk',
      },
    })
  ).server
  await ok('create_api_key', { target_api_key: { name: 'CI', expires: '2099-01-01T00:00:00Z' } })
  const agent = await enrolTestAgent(h as unknown as TestContext, await registrationToken(h as unknown as TestContext, admin), {
    labels: ['ssd'],
  })
  const launch = await ok('request_kasm', { image_id: image.image_id }, { token: await seed.tokenFor(uuid(ada.user_id)) })
  const work = (await agent.poll()).body.work.create[0]
  if (work?.registry_auth?.password !== REGISTRY_PASSWORD) throw new Error('the agent did not get the session with its registry password')
  await agent.report([{ kasm_id: work.kasm_id, state: 'running', container_id: 'container-ada-1' }])
  return { admin, agent, kasmId: work.kasm_id as string, kasmHex: launch.kasm_id as string, serverId: uuid(server.server_id) }
}
export type Filled = Awaited<ReturnType<typeof fillOriel>> & { agent: TestAgent }

/**
 * Every table's rows (Postgres's text of each whole row, sorted) and every sequence's state, read in
 * UTC: two databases with equal dumps hold the same rows. Written apart from the backup code it checks.
 */
export async function dumpTables(db: Db): Promise<Record<string, string[]>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw("set local timezone = 'UTC'"))
    await tx.execute(sql.raw('set local extra_float_digits = 3'))
    const rows = async <T>(q: string) => ((await tx.execute(sql.raw(q))) as unknown as { rows: T[] }).rows
    const out: Record<string, string[]> = {}
    for (const { name } of await rows<{ name: string }>('select tablename as name from pg_tables where schemaname = current_schema()')) {
      out[name] = (await rows<{ r: string }>(`select t::text as r from "${name}" t`)).map((r) => r.r).sort()
    }
    for (const s of await rows<{ name: string; v: string | null }>(
      'select sequencename as name, last_value::text as v from pg_sequences where schemaname = current_schema()',
    )) {
      out[`sequence ${s.name}`] = [String(s.v)]
    }
    return out
  })
}

export const secretFiles = (dataDir: string) => ['secrets-key', 'session-secret', 'edge-signing-key'].map((f) => join(dataDir, f))

export const ROOT = resolve(import.meta.dirname, '../..')

/** `npm run <backup|restore> -- <args>` as an admin types it, with Oriel's settings in `env`. */
export function npmRun(
  script: 'backup' | 'restore',
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', ...env } })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', fail)
    child.on('close', (code) => done({ code: code ?? -1, out, err }))
  })
}
