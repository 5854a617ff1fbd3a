// SIGTERM or SIGINT to the start command's own PID, as a service manager or Ctrl-C sends it: every
// process it started is gone within 10 s, its ports are free, session containers keep running, and
// the next start adopts them. The agent started on its own (`npm run agent`) likewise.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerodePort } from '../../agent/src/docker/docker-port'
import { RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import {
  ensureDocker,
  freePort,
  onlineAgent,
  registrationToken,
  spawnAgentProcess,
  startEdge,
  waitFor,
  waitRunning,
  type Edge,
} from '../support/platform'
import {
  alive,
  processTree,
  removePlatformLeftovers,
  signInWithLocalAgent,
  startPlatformProcess,
  type PlatformProcess,
} from './platform-process'

const STOP_MS = 10_000
const NETWORK = `oriel-e2e-sig-${process.pid}`
const PASSWORDS = { admin: 'sig-admin-password', user: 'sig-user-password' }
const dataDir = mkdtempSync(join(tmpdir(), 'oriel-signals-'))
const docker = createDockerodePort({ socketPath: '/var/run/docker.sock' })
let port: number
let agentPort: number
let platform: PlatformProcess | undefined
let agentId: string | undefined

const start = () =>
  startPlatformProcess({
    via: 'npm',
    port,
    env: {
      ORIEL_DATA_DIR: dataDir,
      ORIEL_AGENT_PORT: String(agentPort),
      DATABASE_URL: '',
      ORIEL_SESSION_NETWORK: NETWORK,
      ORIEL_ADMIN_PASSWORD: PASSWORDS.admin,
      ORIEL_USER_PASSWORD: PASSWORDS.user,
    },
  })

/** A port is free when we can listen on it ourselves. */
const portFree = (p: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer()
      .once('error', () => resolve(false))
      .listen(p, '127.0.0.1', () => s.close(() => resolve(true)))
  })

/** Signals the PID alone (not its group) and returns how long until it and everything under it are gone. */
async function signalAndWait(pid: number, exited: Promise<unknown>, signal: NodeJS.Signals) {
  const tree = processTree(pid)
  const t0 = Date.now()
  process.kill(pid, signal)
  await exited
  await waitFor(async () => tree.every((p) => !alive(p)), STOP_MS, `every process of ${tree.join(', ')} to end`)
  return { tree, ms: Date.now() - t0 }
}

beforeAll(async () => {
  ensureDocker()
  port = await freePort()
  agentPort = await freePort()
}, 900_000)

afterAll(() => removePlatformLeftovers({ platform, agentId, network: NETWORK, dataDir }))

describe('npm start stopped by a signal to its PID', () => {
  it('ends every process within 10 s, frees both ports, keeps the session, and the next start adopts it', async () => {
    platform = await start()
    const { api } = platform
    const { user, imageId, ...local } = await signInWithLocalAgent(platform, PASSWORDS)
    agentId = local.agentId
    const req = await api('request_kasm', { image_id: imageId }, user)
    expect(req.status).toBe(200)
    const asEdge = { api } as unknown as Edge
    await waitRunning(asEdge, user, req.body.kasm_id, 90_000)

    const first = await signalAndWait(platform.child.pid!, platform.exited, 'SIGTERM')
    expect(first.tree.length).toBeGreaterThanOrEqual(2) // npm and the node it execs
    expect(first.ms).toBeLessThan(STOP_MS)
    expect(platform.child.exitCode).toBe(0)
    expect(await portFree(port)).toBe(true)
    expect(await portFree(agentPort)).toBe(true)
    const containers = await docker.listManaged(agentId!)
    expect(containers.map((c) => c.state)).toEqual(['running'])

    platform = await start()
    const again = platform.api
    const user2 = (await again('login', { username: 'user@kasm.local', password: PASSWORDS.user })).body.token
    const status = await waitRunning({ api: again } as unknown as Edge, user2, req.body.kasm_id, 30_000)
    expect((await docker.listManaged(agentId!)).map((c) => c.containerId)).toEqual(containers.map((c) => c.containerId))
    const client = await RfbTestClient.viaRelay(`${status.kasm.stream.url}?token=${encodeURIComponent(status.kasm.stream.token)}`)
    await client.handshake()
    const from = client.messages.length
    client.requestUpdate(false)
    expect((await waitForFullScreen(client, from, 20_000)).length).toBeGreaterThan(0)

    // Ctrl-C's signal, with a stream open: the relay is cut, not waited for.
    const second = await signalAndWait(platform.child.pid!, platform.exited, 'SIGINT')
    expect(second.ms).toBeLessThan(STOP_MS)
    client.close()
    expect(await portFree(port)).toBe(true)
    expect(await portFree(agentPort)).toBe(true)
    expect((await docker.listManaged(agentId!)).map((c) => c.state)).toEqual(['running'])
  })
})

describe('npm run agent stopped by a signal to its PID', () => {
  let edge: Edge | undefined
  afterAll(async () => edge?.close())

  it('ends every process within 10 s and frees the gateway port', async () => {
    edge = await startEdge()
    const token = await registrationToken(edge)
    const gatewayPort = await freePort()
    const agentDir = mkdtempSync(join(tmpdir(), 'oriel-signals-agent-'))
    const child = spawnAgentProcess({
      via: 'npm',
      edge,
      token,
      name: 'signals-agent',
      port: gatewayPort,
      dataDir: agentDir,
      network: NETWORK,
    })
    const exited = new Promise((r) => child.once('exit', r))
    try {
      await waitFor(async () => (await onlineAgent(edge!, 'signals-agent')) !== undefined, 60_000, 'the agent to enrol')
      // Enrolment marks it online before the gateway listens.
      await waitFor(async () => !(await portFree(gatewayPort)), 30_000, 'the gateway to listen')
      const stopped = await signalAndWait(child.pid!, exited, 'SIGTERM')
      expect(stopped.tree.length).toBeGreaterThanOrEqual(2)
      expect(stopped.ms).toBeLessThan(STOP_MS)
      expect(child.exitCode).toBe(0)
      expect(await portFree(gatewayPort)).toBe(true)
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
      rmSync(agentDir, { recursive: true, force: true })
    }
  })
})
