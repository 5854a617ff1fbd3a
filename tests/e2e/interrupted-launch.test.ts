// The platform of `npm start` (edge, PGlite and the local agent in one process) killed with SIGKILL
// in the middle of 10 concurrent launches, at an exact step (the fault-injection hook
// ORIEL_CRASH_POINT), then restarted: within 30 s every launch is running, none is left starting,
// and Docker holds exactly the running sessions' containers.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerodePort } from '../../agent/src/docker/docker-port'
import { ensureDocker, freePort, waitFor } from '../support/platform'
import { killPlatform, removePlatformLeftovers, signInWithLocalAgent, startPlatformProcess, type PlatformProcess } from './platform-process'

const LAUNCHES = 10
const RECOVERY_MS = 30_000
const NETWORK = `oriel-e2e-il-${process.pid}`
const PASSWORDS = { admin: 'il-admin-password', user: 'il-user-password' }
const dataDir = mkdtempSync(join(tmpdir(), 'oriel-interrupted-'))
const docker = createDockerodePort({ socketPath: '/var/run/docker.sock' })
let port: number
let agentPort: number
let platform: PlatformProcess | undefined
let agentId: string
let admin: string
let user: string
let imageId: string

/** `npm start`'s program itself (npm only execs it), so the pid is the platform's. */
const startPlatform = (crashPoint = '') =>
  startPlatformProcess({
    via: 'node',
    port,
    env: {
      ORIEL_DATA_DIR: dataDir,
      ORIEL_AGENT_PORT: String(agentPort),
      DATABASE_URL: '',
      ORIEL_ADMIN_PASSWORD: PASSWORDS.admin,
      ORIEL_USER_PASSWORD: PASSWORDS.user,
      ORIEL_SESSION_NETWORK: NETWORK,
      ORIEL_CRASH_POINT: crashPoint,
    },
  })
const api = (verb: string, body: Record<string, unknown>, token?: string) => platform!.api(verb, body, token)

type Session = { kasm_id: string; operational_status: string; operational_message: string | null }
const sessions = async () => (await api('get_kasms', {}, admin)).body.kasms as Session[]
const undashed = (id: string) => id.replaceAll('-', '')
const STARTING = ['requested', 'provisioning', 'starting']

beforeAll(async () => {
  ensureDocker()
  port = await freePort()
  agentPort = await freePort()
  platform = await startPlatform()
  ;({ admin, user, agentId, imageId } = await signInWithLocalAgent(platform, PASSWORDS))
  // Placement counts the desktop's 1 core against the host's 2; its CPU share is no limit here.
  expect((await api('update_agent', { target_agent: { agent_id: agentId, cores_override: 4 * LAUNCHES } }, admin)).status).toBe(200)
  // The built-in user (All Users only) may hold 2 sessions by default; this platform is the test's own.
  const allUsers = (await api('get_groups', {}, admin)).body.groups.find((g: { name: string }) => g.name === 'All Users')
  const lifted = await api(
    'update_settings_group',
    { target_group: { group_id: allUsers.group_id }, target_setting: { name: 'max_kasms_per_user', value: 0 } },
    admin,
  )
  expect(lifted.status).toBe(200)
  await killPlatform(platform, 'SIGTERM')
}, 300_000)

afterAll(() => removePlatformLeftovers({ platform, signal: 'SIGKILL', agentId, network: NETWORK, dataDir }))

describe('the platform killed during 10 concurrent launches', () => {
  it.each(['before-create:3', 'after-create:5', 'after-start:7'])(
    'at %s finishes every launch after a restart, with no orphan',
    async (crashPoint) => {
      platform = await startPlatform(crashPoint)
      const launches = await Promise.allSettled(Array.from({ length: LAUNCHES }, () => api('request_kasm', { image_id: imageId }, user)))
      const died = await Promise.race([platform.exited, new Promise((r) => setTimeout(() => r('still alive after 90 s'), 90_000).unref())])
      expect(died, platform.output().slice(-2000)).toBe('SIGKILL')
      // A request the kill cut short may still have been committed: the check below covers every session.
      const accepted = launches.flatMap((l) => (l.status === 'fulfilled' && l.value.status === 200 ? [l.value.body.kasm_id as string] : []))
      expect(accepted.length).toBeGreaterThan(0)
      // Where the kill left Docker: killed right after a create, at least one container was never started.
      const atKill = (await docker.listManaged(agentId)).map((c) => c.state)
      if (crashPoint.startsWith('after-create')) expect(atKill).toContain('created')
      if (crashPoint.startsWith('after-start')) expect(atKill).toContain('running')

      const restartedAt = Date.now()
      platform = await startPlatform()
      const upMs = Date.now() - restartedAt
      let last: Session[] = []
      await waitFor(
        async () => (last = await sessions()).every((s) => !STARTING.includes(s.operational_status)),
        RECOVERY_MS - (Date.now() - restartedAt),
        'every launch to end',
      ).catch((err) => {
        throw new Error(`${err.message}: ${JSON.stringify(last)}`)
      })
      const recoveredMs = Date.now() - restartedAt
      expect(recoveredMs).toBeLessThan(RECOVERY_MS)
      expect(last.map((s) => s.kasm_id)).toEqual(expect.arrayContaining(accepted))
      // The host has room for all ten, so no launch has a true reason to fail: an error is a lost launch.
      for (const s of last) expect([s.kasm_id, s.operational_status, s.operational_message]).toEqual([s.kasm_id, 'running', null])

      // Exactly one container per running session: nothing orphaned, nothing doubled.
      await waitFor(async () => (await docker.listManaged(agentId)).length === last.length, 15_000, 'the containers of sessions only')
      const containers = await docker.listManaged(agentId)
      expect(containers.map((c) => undashed(c.kasmId)).sort()).toEqual(last.map((s) => s.kasm_id).sort())
      expect(containers.every((c) => c.state === 'running')).toBe(true)
      console.info(
        `${crashPoint}: ${accepted.length} accepted; containers at the kill: ${atKill.join(' ') || 'none'}; ${last.length} sessions running ${recoveredMs} ms after the restart (up after ${upMs} ms)`,
      )

      for (const s of last) expect((await api('destroy_kasm', { kasm_id: s.kasm_id }, admin)).status).toBe(200)
      await waitFor(async () => (await docker.listManaged(agentId)).length === 0, 60_000, 'no containers left')
      await waitFor(async () => (await sessions()).length === 0, 15_000, 'every session to end')
      await killPlatform(platform, 'SIGTERM')
    },
    240_000,
  )
})
