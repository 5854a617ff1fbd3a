// A real session container from oriel/desktop:1.0 through the dockerode adapter, checked from
// outside it (docker CLI, raw TCP to the container IP, the host filesystem).
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerodePort, type DockerPort } from '../../../agent/src/docker/docker-port'
import { aSessionSpec, DOCKER_SETUP_TIMEOUT_MS, DOCKER_SOCKET, DESKTOP_IMAGE, prepareDocker, rfbBanner, uniqueId } from './docker-env'
import { dockerCli } from '../../support/docker-cli'

const MiB = 1024 ** 2
const network = uniqueId('oriel-test-net')
const agentId = uniqueId('agent')
const profilesRoot = mkdtempSync(join(tmpdir(), 'oriel-profiles-'))
const created: string[] = []
let docker: DockerPort

beforeAll(async () => {
  await prepareDocker()
  docker = createDockerodePort({ socketPath: DOCKER_SOCKET })
  await docker.ensureSessionNetwork(network)
}, DOCKER_SETUP_TIMEOUT_MS)

afterAll(async () => {
  for (const id of created) await docker.remove(id)
  await docker.removeSessionNetwork(network)
  rmSync(profilesRoot, { recursive: true, force: true })
}, 60_000)

async function startSession(overrides: Parameters<typeof aSessionSpec>[0] = {}) {
  const spec = aSessionSpec({ agentId, ...overrides })
  const { containerId } = await docker.createSession(spec, { network })
  created.push(containerId)
  await docker.startSession(containerId)
  const ip = await docker.sessionAddress(containerId, network)
  return { spec, containerId, ip }
}

describe('a session container', () => {
  let session: Awaited<ReturnType<typeof startSession>>
  beforeAll(async () => {
    session = await startSession({ cores: 0.5, memoryBytes: 768 * MiB })
  }, 60_000)

  it('gets the requested CPU, memory, our labels and an init process', async () => {
    const [info] = JSON.parse(await dockerCli('inspect', session.containerId)) as {
      HostConfig: Record<string, unknown>
      Config: { Labels: Record<string, string> }
    }[]
    expect(info!.HostConfig).toMatchObject({
      NanoCpus: 500_000_000,
      Memory: 768 * MiB,
      MemorySwap: 768 * MiB,
      Init: true,
      ShmSize: 512 * MiB,
      NetworkMode: network,
    })
    // Nothing published on the host: the agent reaches the session on its container IP.
    expect(info!.HostConfig.PortBindings ?? {}).toEqual({})
    expect(info!.Config.Labels).toMatchObject({
      'oriel.kasm_id': session.spec.kasmId,
      'oriel.user_id': 'user-1',
      'oriel.image_id': 'image-1',
      'oriel.agent_id': agentId,
      'oriel.managed': 'true',
      'oriel.workspace': 'desktop',
    })
  })

  it('serves RFB on the container IP, port 5901', async () => {
    expect(await rfbBanner(session.ip)).toBe('RFB 003.008\n')
  })

  it('runs the desktop as kasm-user (uid 1000)', async () => {
    expect(await docker.exec(session.containerId, ['id', '-u'])).toEqual({ exitCode: 0, output: '1000\n' })
    const root = await docker.exec(session.containerId, ['id', '-u'], { user: '0', env: ['X=1'] })
    expect(root.output).toBe('0\n')
    expect((await docker.exec(session.containerId, ['sh', '-c', 'exit 3'])).exitCode).toBe(3)
  })

  it('moves files through Uploads and Downloads, and refuses to follow links out', async () => {
    const name = 'Bericht für Jürgen — a long name that needs a pax record to survive the tar header.txt'
    await docker.putFile(session.containerId, 'Uploads', name, Buffer.from('hello upload\n'))
    const seen = await docker.exec(session.containerId, ['stat', '-c', '%u %s', `/home/kasm-user/Uploads/${name}`])
    expect(seen).toEqual({ exitCode: 0, output: '1000 13\n' })

    await docker.exec(session.containerId, ['sh', '-c', 'printf "report" > ~/Downloads/out.txt && ln -s /etc/passwd ~/Downloads/link'])
    expect((await docker.getFile(session.containerId, 'Downloads', 'out.txt')).toString()).toBe('report')
    await expect(docker.getFile(session.containerId, 'Downloads', 'link')).rejects.toThrow(/not a regular file/)
    await expect(docker.getFile(session.containerId, 'Downloads', 'out.txt', { maxBytes: 3 })).rejects.toThrow(/larger than/)
    await expect(docker.putFile(session.containerId, 'Uploads', '../escape', Buffer.from('x'))).rejects.toThrow(/plain file name/)
  })
})

describe('the persistent profile', () => {
  it('is created owned by kasm-user and outlives the container', async () => {
    const persistentProfilePath = join(profilesRoot, '{username}')
    const first = await startSession({ username: 'bob/../x', persistentProfilePath })
    const hostDir = join(profilesRoot, 'bob%2F..%2Fx')
    expect(statSync(hostDir)).toMatchObject({ uid: 1000, gid: 1000 })
    await rfbBanner(first.ip)
    const write = await docker.exec(first.containerId, ['sh', '-c', 'echo kept > ~/Desktop/note.txt && ls -d ~/Uploads ~/Downloads'])
    expect(write.exitCode).toBe(0)
    await docker.remove(first.containerId)

    const second = await startSession({ username: 'bob/../x', persistentProfilePath })
    expect(await docker.exec(second.containerId, ['cat', '/home/kasm-user/Desktop/note.txt'])).toEqual({ exitCode: 0, output: 'kept\n' })
    expect(statSync(join(hostDir, 'Desktop', 'note.txt')).uid).toBe(1000)
  }, 60_000)
})

describe('managed containers', () => {
  it('lists only this agent’s labelled containers, and remove is idempotent', async () => {
    const ours = await startSession()
    const otherAgent = await docker.createSession(aSessionSpec({ agentId: `${agentId}-other` }), { network })
    created.push(otherAgent.containerId)
    // Carries one of our labels but not oriel.managed: not ours.
    const stranger = await dockerCli('create', '--label', `oriel.agent_id=${agentId}`, '-e', 'VNC_PW=x', DESKTOP_IMAGE)
    created.push(stranger)

    const managed = await docker.listManaged(agentId)
    expect(managed.map((c) => c.containerId)).toContain(ours.containerId)
    expect(managed.map((c) => c.containerId)).not.toContain(otherAgent.containerId)
    expect(managed.map((c) => c.containerId)).not.toContain(stranger)
    expect(managed.find((c) => c.containerId === ours.containerId)).toMatchObject({
      kasmId: ours.spec.kasmId,
      state: 'running',
      labels: expect.objectContaining({ 'oriel.managed': 'true' }),
    })

    await docker.remove(ours.containerId)
    await docker.remove(ours.containerId)
    expect((await docker.listManaged(agentId)).map((c) => c.containerId)).not.toContain(ours.containerId)
    await expect(dockerCli('inspect', ours.containerId)).rejects.toThrow(/No such object/)
  }, 60_000)

  it('reports a container that exited at once instead of an address', async () => {
    const { containerId } = await docker.createSession(aSessionSpec({ agentId, vncPassword: '' }), { network })
    created.push(containerId)
    await docker.startSession(containerId)
    await dockerCli('wait', containerId)
    await expect(docker.sessionAddress(containerId, network)).rejects.toThrow(/is exited \(exit code 2\)/)
  }, 30_000)
})

describe('the engine', () => {
  it('reports capacity and images', async () => {
    const info = await docker.info()
    expect(info.cores).toBeGreaterThan(0)
    expect(info.memoryBytes).toBeGreaterThan(1024 * MiB)
    expect(info.gpus).toBe(0)
    expect(await docker.listImages()).toContain(DESKTOP_IMAGE)
  })

  it('fails a pull the registry cannot serve', async () => {
    // Nothing listens on port 1: the Engine reports the failure (there is no registry here).
    await expect(docker.pullImage('127.0.0.1:1/oriel/none:1')).rejects.toThrow(/127\.0\.0\.1:1/)
  }, 30_000)
})
