// The edge's Prometheus metrics on Node, over real HTTP: behind a bearer token, and the families an
// operator graphs move as traffic is driven (requests by verb and status with latency, sign-in failures,
// launches by outcome, placement time). Every log line of a request carries that request's id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb, type TestDb } from '#test-db'
import { edgeConfig } from '../../../edge/src/config'
import type { Logger } from '../../../edge/src/log'
import { createEdgeServer } from '../../../edge/src/node/server'
import { builders, TEST_PASSWORD } from '../../support/builders'
import { testClock } from '../../support/clock'
import { TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from '../../support/constants'
import type { TestContext } from '../../support/context'
import { enrolTestAgent, registrationToken } from '../../support/test-agent'

const TOKEN = 'metrics-token-for-tests'
const lines: Record<string, unknown>[] = []
const capture =
  (level: string) =>
  (msg: string, fields: Record<string, unknown> = {}) =>
    void lines.push({ level, msg, ...fields })
const log: Logger = { info: capture('info'), warn: capture('warn'), error: capture('error') }
let testDb: TestDb
let servers: ReturnType<typeof createEdgeServer>[] = []
let url = ''
let bare = ''
let seed: ReturnType<typeof builders>
let clock: ReturnType<typeof testClock>

beforeAll(async () => {
  testDb = await openTestDb()
  clock = testClock()
  const config = edgeConfig({ SESSION_SECRET: TEST_SESSION_SECRET, EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY, SECRETS_KEY: TEST_SECRETS_KEY })
  seed = builders(testDb.db, clock, config.sessionSecret)
  const edge = (metricsToken?: string) =>
    createEdgeServer({ db: testDb.db, config, clock, log, port: 0, hostname: '127.0.0.1', metricsToken })
  servers = [edge(TOKEN), edge()]
  url = `http://127.0.0.1:${(await servers[0]!.start()).port}`
  bare = `http://127.0.0.1:${(await servers[1]!.start()).port}`
})
afterAll(async () => {
  for (const s of servers) await s.close()
  await testDb.close()
})

const scrape = async (auth = `Bearer ${TOKEN}`) => {
  const res = await fetch(`${url}/metrics`, { headers: { Authorization: auth } })
  return { status: res.status, text: await res.text() }
}
/** One sample's value from the text exposition, 0 when absent. */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}
const call = (verb: string, body: object, token?: string) =>
  fetch(`${url}/api/public/${verb}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  })

describe('GET /metrics', () => {
  it('needs the token, and is not served at all without one configured', async () => {
    expect((await scrape('Bearer wrong')).status).toBe(401)
    expect((await scrape('')).status).toBe(401)
    expect((await fetch(`${bare}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404)
    const ok = await scrape()
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('# TYPE oriel_edge_requests_total counter')
    expect(ok.text).toContain('oriel_edge_process_resident_memory_bytes')
  })

  it('counts requests by verb and status, sign-in failures, and launches by outcome with their placement time', async () => {
    await seed.user({ username: 'metrics@example.com', password: true })
    const admin = await seed.admin()
    // The test agent's helpers, over this server's real HTTP.
    const api = async (verb: string, body: Record<string, unknown>, auth: { token: string } | null) => {
      const res = await call(verb, body, auth?.token)
      return { status: res.status, body: (await res.json()) as any, headers: res.headers }
    }
    const t = { app: { request: (path: string, init: RequestInit) => fetch(`${url}${path}`, init) }, clock, api } as unknown as TestContext
    const agent = await enrolTestAgent(t, await registrationToken(t, admin))
    expect((await agent.poll()).status).toBe(200)
    const image = await api(
      'create_image',
      { target_image: { friendly_name: 'Metrics', name: 'oriel/desktop:1.0', cores: 1, memory: 1024 ** 3 } },
      admin,
    )
    const groups = (await api('get_groups', {}, admin)).body.groups as { name: string; group_id: string }[]
    const admins = groups.find((g) => g.name === 'Administrators')!.group_id
    await api('add_images_group', { target_group: { group_id: admins }, target_image: { image_id: image.body.image.image_id } }, admin)

    const before = (await scrape()).text
    expect((await call('login', { username: 'metrics@example.com', password: 'wrong-password' })).status).toBe(401)
    expect((await call('login', { username: 'metrics@example.com', password: TEST_PASSWORD })).status).toBe(200)
    expect((await call('request_kasm', { image_id: '0'.repeat(32) }, admin.token)).status).toBe(404)
    expect((await call('request_kasm', { image_id: image.body.image.image_id }, admin.token)).status).toBe(200)
    expect((await call('no_such_verb', {}, admin.token)).status).toBe(404)
    const after = (await scrape()).text
    const moved = (series: string) => value(after, series) - value(before, series)
    expect(moved('oriel_edge_requests_total{verb="login",status="401"}')).toBe(1)
    expect(moved('oriel_edge_requests_total{verb="login",status="200"}')).toBe(1)
    expect(moved('oriel_edge_sign_in_failures_total{status="401"}')).toBe(1)
    expect(moved('oriel_edge_launches_total{outcome="not_found"}')).toBe(1)
    expect(moved('oriel_edge_launches_total{outcome="placed"}')).toBe(1)
    expect(moved('oriel_edge_placement_duration_seconds_count')).toBe(1)
    expect(moved('oriel_edge_placement_duration_seconds_sum')).toBeGreaterThan(0)
    expect(moved('oriel_edge_requests_total{verb="unknown",status="404"}')).toBe(1)
    expect(moved('oriel_edge_request_duration_seconds_count{verb="login"}')).toBe(2)
  })

  it('puts the request id on every log line of a request', async () => {
    lines.length = 0
    const res = await call('login', { username: 'nobody@example.com', password: 'nope' })
    const id = res.headers.get('X-Request-Id')
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.map((l) => l.request_id)).toEqual(lines.map(() => id))
  })
})
