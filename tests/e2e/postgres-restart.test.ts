// `npm start` on a real Postgres with a desktop session and its stream attached, while Postgres is
// restarted under a request loop and then stopped: the process never exits, failures during the
// outage are 503 with Retry-After, every request after Postgres is back succeeds, the stream keeps
// flowing, and a launch attempted while Postgres is down answers 503 within 1 s and leaves nothing.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createDockerodePort } from '../../agent/src/docker/docker-port'
import { startPostgres, type RunningPostgres } from '../support/postgres'
import { RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import { ensureDocker, freePort, waitFor, waitRunning, type Edge } from '../support/platform'
import { removePlatformLeftovers, signInWithLocalAgent, startPlatformProcess, type PlatformProcess } from './platform-process'

const NETWORK = `oriel-e2e-pgr-${process.pid}`
const PASSWORDS = { admin: 'pgr-admin-password', user: 'pgr-user-password' }
const dataDir = mkdtempSync(join(tmpdir(), 'oriel-pg-restart-'))
const docker = createDockerodePort({ socketPath: '/var/run/docker.sock' })
let pg: RunningPostgres
let platform: PlatformProcess
let agentId: string | undefined

beforeAll(async () => {
  ensureDocker()
  pg = await startPostgres()
  const port = await freePort()
  platform = await startPlatformProcess({
    via: 'npm',
    port,
    env: {
      ORIEL_DATA_DIR: dataDir,
      ORIEL_AGENT_PORT: String(await freePort()),
      DATABASE_URL: pg.url(),
      ORIEL_SESSION_NETWORK: NETWORK,
      ORIEL_ADMIN_PASSWORD: PASSWORDS.admin,
      ORIEL_USER_PASSWORD: PASSWORDS.user,
    },
  })
}, 900_000)

afterAll(async () => {
  await removePlatformLeftovers({ platform, signal: 'SIGTERM', agentId, network: NETWORK, dataDir })
  pg?.stop()
})

type Outcome = { startedAt: number; status: number; retryAfter: string | null; message?: string }

it('survives a Postgres restart and a stop with a live session', { timeout: 300_000 }, async () => {
  const { api } = platform
  const { admin, user, imageId, ...local } = await signInWithLocalAgent(platform, PASSWORDS)
  agentId = local.agentId
  const req = await api('request_kasm', { image_id: imageId }, user)
  expect(req.status).toBe(200)
  const status = await waitRunning({ api } as unknown as Edge, user, req.body.kasm_id, 90_000)
  const client = await RfbTestClient.viaRelay(`${status.kasm.stream.url}?token=${encodeURIComponent(status.kasm.stream.token)}`)
  await client.handshake()

  // A request loop (what the dashboard and API clients keep sending) across a fast restart.
  const outcomes: Outcome[] = []
  let looping = true
  const loop = (async () => {
    while (looping) {
      const startedAt = Date.now()
      const r = await api('get_kasm_status', { kasm_id: req.body.kasm_id }, user)
      outcomes.push({ startedAt, status: r.status, retryAfter: r.headers.get('Retry-After'), message: r.body?.error_message })
      await new Promise((r) => setTimeout(r, 10))
    }
  })()
  await new Promise((r) => setTimeout(r, 500))
  const downAt = Date.now()
  await pg.ctl('restart')
  const backAt = Date.now()
  await new Promise((r) => setTimeout(r, 3_000))
  looping = false
  await loop

  expect(platform.child.exitCode).toBe(null)
  expect(platform.child.signalCode).toBe(null)
  const failed = outcomes.filter((o) => o.status !== 200)
  // The loop ran through the outage (pg_ctl runs beside it), so some calls met it.
  expect(failed.length).toBeGreaterThan(0)
  for (const f of failed) {
    expect(f).toMatchObject({ status: 503 })
    expect(Number(f.retryAfter)).toBeGreaterThan(0)
    expect(f.message).toMatch(/database/i)
    expect(f.startedAt).toBeLessThan(backAt)
  }
  const after = outcomes.filter((o) => o.startedAt >= backAt)
  expect(after.length).toBeGreaterThan(20)
  expect(after.every((o) => o.status === 200)).toBe(true)
  expect(outcomes.filter((o) => o.startedAt < downAt).every((o) => o.status === 200)).toBe(true)

  // The stream never dropped: the same connection still delivers the whole screen.
  const from = client.messages.length
  client.requestUpdate(false)
  expect((await waitForFullScreen(client, from, 20_000)).length).toBeGreaterThan(0)

  // Postgres stopped: a launch is refused at once and leaves no trace once Postgres is back.
  const sessionsBefore = (await api('get_kasms', {}, admin)).body.kasms.length
  const containersBefore = (await docker.listManaged(agentId!)).length
  await pg.ctl('stop')
  const t0 = Date.now()
  const refused = await api('request_kasm', { image_id: imageId }, user)
  const refusedMs = Date.now() - t0
  expect(refused.status).toBe(503)
  expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0)
  expect(refused.body.error_message).toMatch(/database/i)
  expect(refusedMs).toBeLessThan(1_000)
  expect((await api('get_kasm_status', { kasm_id: req.body.kasm_id }, user)).status).toBe(503)
  const health = await fetch(`${platform.url}/api/__healthcheck`)
  expect(health.status).toBe(503)
  await pg.ctl('start')
  await waitFor(
    async () => (await api('get_kasm_status', { kasm_id: req.body.kasm_id }, user)).status === 200,
    10_000,
    'the API to answer again',
  )
  expect((await api('get_kasms', {}, admin)).body.kasms.length).toBe(sessionsBefore)
  expect((await docker.listManaged(agentId!)).length).toBe(containersBefore)
  expect(platform.child.exitCode).toBe(null)
  // The stream is still the same one.
  const again = client.messages.length
  client.requestUpdate(false)
  expect((await waitForFullScreen(client, again, 20_000)).length).toBeGreaterThan(0)
  client.close()
  expect((await api('destroy_kasm', { kasm_id: req.body.kasm_id }, user)).status).toBe(200)
  await waitFor(async () => (await docker.listManaged(agentId!)).length === 0, 30_000, 'the container to be removed')
})
