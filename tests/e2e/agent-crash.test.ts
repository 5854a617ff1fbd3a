// The agent killed with SIGKILL in the middle of a launch, then restarted: the session ends up
// running (adopted, or started again when its container was found exited), nothing is orphaned,
// nothing stays stuck; a stray labelled container is removed.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerodePort } from '../../agent/src/docker/docker-port'
import { LABEL } from '../../agent/src/docker/container-spec'
import {
  ensureDocker,
  freePort,
  IMAGE,
  launcherUser,
  onlineAgent,
  registrationToken,
  spawnAgentProcess,
  startEdge,
  waitEnded,
  waitFor,
  waitRunning,
  type Edge,
} from '../support/platform'

const NETWORK = `oriel-e2e-k-${process.pid}`
const dataDir = mkdtempSync(join(tmpdir(), 'oriel-agent-k-'))
const docker = createDockerodePort({ socketPath: '/var/run/docker.sock' })
let edge: Edge
let child: ChildProcess | undefined
let port: number
let agentId: string

/** The real daemon entry point, as systemd or a container would run it; the same port and data folder each time. */
const spawnAgent = (token?: string) => spawnAgentProcess({ via: 'node', edge, token, name: 'crash-test', port, dataDir, network: NETWORK })
const killHard = (p: ChildProcess) => new Promise<void>((r) => (p.once('exit', () => r()), process.kill(-p.pid!, 'SIGKILL')))

beforeAll(async () => {
  ensureDocker()
  edge = await startEdge()
  port = await freePort()
  child = spawnAgent(await registrationToken(edge))
  await waitFor(async () => (await onlineAgent(edge, 'crash-test')) !== undefined, 60_000, 'the agent to enrol')
  agentId = (await onlineAgent(edge, 'crash-test'))!.agent_id.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')
}, 900_000)

afterAll(async () => {
  if (child && child.exitCode === null) await killHard(child)
  for (const c of await docker.listManaged(agentId)) await docker.remove(c.containerId)
  await docker.removeSessionNetwork(NETWORK).catch(() => {})
  await edge?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('an agent killed mid-launch', () => {
  it('adopts the session after restart and leaves no orphan when it ends', async () => {
    const user = await launcherUser(edge, {})
    const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    expect(req.status).toBe(200)
    const kasmUuid = (id: string | undefined) => id?.replaceAll('-', '')
    // Kill as soon as the container exists, before the session is reported running.
    await waitFor(
      async () => (await docker.listManaged(agentId)).some((c) => kasmUuid(c.kasmId) === req.body.kasm_id),
      60_000,
      'the container',
    )
    await killHard(child!)
    const during = await edge.api('get_kasm_status', { kasm_id: req.body.kasm_id }, user.token)
    expect(['requested', 'provisioning', 'starting']).toContain(during.body.operational_status)

    // A stray container with our labels but no session behind it, as a crash could leave.
    const raw = new Docker({ socketPath: '/var/run/docker.sock' })
    const stray = await raw.createContainer({
      Image: IMAGE,
      Env: ['VNC_PW=stray123'],
      Labels: { [LABEL.managed]: 'true', [LABEL.agentId]: agentId, [LABEL.kasmId]: crypto.randomUUID() },
    })

    child = spawnAgent()
    await waitRunning(edge, user.token, req.body.kasm_id, 60_000)
    await waitFor(
      async () => !(await docker.listManaged(agentId)).some((c) => c.containerId === stray.id),
      30_000,
      'the stray container to be removed',
    )
    const mine = (await docker.listManaged(agentId)).filter((c) => kasmUuid(c.kasmId) === req.body.kasm_id)
    expect(mine).toHaveLength(1)

    await edge.api('destroy_kasm', { kasm_id: req.body.kasm_id }, user.token)
    await waitFor(async () => (await docker.listManaged(agentId)).length === 0, 30_000, 'no containers left')
    await waitEnded(edge, user.token, req.body.kasm_id, 10_000)
  }, 240_000)

  it('starts again a launch whose container was found exited (e.g. the host rebooted meanwhile)', async () => {
    const user = await launcherUser(edge, {})
    const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const mine = async () => (await docker.listManaged(agentId)).filter((c) => c.kasmId.replaceAll('-', '') === req.body.kasm_id)
    await waitFor(async () => (await mine()).length > 0, 60_000, 'the container')
    await killHard(child!)
    expect(['requested', 'provisioning', 'starting']).toContain(
      (await edge.api('get_kasm_status', { kasm_id: req.body.kasm_id }, user.token)).body.operational_status,
    )
    // Whether the kill came before or after its start, the container ends up exited.
    const raw = new Docker({ socketPath: '/var/run/docker.sock' }).getContainer((await mine())[0]!.containerId)
    if ((await raw.inspect()).State.Status === 'created') await raw.start()
    await raw.stop({ t: 1 })
    expect((await mine())[0]!.state).toBe('exited')

    child = spawnAgent()
    await waitRunning(edge, user.token, req.body.kasm_id, 60_000)
    expect((await mine()).map((c) => c.state)).toEqual(['running'])
    await edge.api('destroy_kasm', { kasm_id: req.body.kasm_id }, user.token)
    await waitFor(async () => (await docker.listManaged(agentId)).length === 0, 30_000, 'no containers left')
  }, 240_000)
})
