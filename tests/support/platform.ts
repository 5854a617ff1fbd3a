// The whole platform on this machine for end-to-end tests: the edge on Node (PGlite, real HTTP), a
// real agent with the real Docker engine, and helpers to call the API as users and admins do.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { migrate } from '#schema'
import { createAgent } from '../../agent/src/agent'
import type { Config } from '../../agent/src/config'
import { createDockerodePort, type DockerPort } from '../../agent/src/docker/docker-port'
import { silentLogger as agentLog } from '#daemon-kit'
import { systemClock } from '../../edge/src/clock'
import { edgeConfig } from '../../edge/src/config'
import { openNodePostgres } from '../../edge/src/db/node-postgres'
import { openPglite } from '../../edge/src/db/pglite'
import { silentLogger } from '../../edge/src/log'
import { createEdgeServer } from '../../edge/src/node/server'
import { bootstrap } from '../../edge/src/services/bootstrap'
import { TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from './constants'

export const IMAGE = 'oriel/desktop:1.0'
const ADMIN_PASSWORD = 'e2e-admin-password'

/** Starts dockerd if needed and builds (or loads from cache) the reference image. */
export function ensureDocker() {
  execFileSync('bash', ['scripts/start-dockerd.sh'], { stdio: 'pipe' })
  execFileSync('bash', ['scripts/ensure-workspace-image.sh'], { stdio: 'pipe', timeout: 900_000 })
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** The edge on Node with PGlite (the embedded default), or on a real Postgres when given its URL. */
export async function startEdge(o: { databaseUrl?: string } = {}) {
  const { db, close } = o.databaseUrl ? openNodePostgres(o.databaseUrl) : await openPglite()
  await migrate(db)
  await bootstrap(db, { adminPassword: ADMIN_PASSWORD, userPassword: 'e2e-user-password' })
  const config = edgeConfig({ SESSION_SECRET: TEST_SESSION_SECRET, EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY, SECRETS_KEY: TEST_SECRETS_KEY })
  const dashboardDir = join(import.meta.dirname, '../../dist/dashboard')
  const edge = createEdgeServer({
    db,
    config,
    clock: systemClock,
    log: silentLogger,
    port: 0,
    hostname: '127.0.0.1',
    dashboardDir: existsSync(dashboardDir) ? dashboardDir : undefined,
  })
  const { port } = await edge.start()
  const url = `http://127.0.0.1:${port}`
  async function api(verb: string, body: Record<string, unknown>, token?: string) {
    const send = () =>
      fetch(`${url}/api/public/${verb}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      })
    // The edge runs in this test process: after a blocking step (a docker push) its idle keep-alive
    // socket can close just as fetch reuses it. One retry covers that race; anything else still fails.
    const res = await send().catch((err: Error & { cause?: { code?: string } }) => {
      if (err.cause?.code === 'ECONNRESET') return send()
      throw err
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const adminToken = (await api('login', { username: 'admin@kasm.local', password: ADMIN_PASSWORD })).body.token as string
  return { url, db, api, adminToken, close: async () => (await edge.close(), await close()) }
}
export type Edge = Awaited<ReturnType<typeof startEdge>>

/** A registration token for the default zone, made by the admin as the dashboard does. */
export async function registrationToken(edge: Edge): Promise<string> {
  const zones = await edge.api('get_zones', {}, edge.adminToken)
  const reg = await edge.api(
    'create_registration_token',
    { target_registration_token: { zone_id: zones.body.zones[0].zone_id } },
    edge.adminToken,
  )
  return reg.body.registration_token.token
}

export async function startAgent(
  edge: Edge,
  o: {
    network: string
    labels?: string[]
    socketPath?: string
    dataDir?: string
    name?: string
    tls?: Config['tls']
    metricsToken?: string
  },
) {
  const token = await registrationToken(edge)
  const port = await freePort()
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'oriel-agent-'))
  const config: Config = {
    edgeUrl: edge.url,
    token,
    dataDir,
    name: o.name ?? 'e2e-agent',
    publicUrl: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    listenHost: '127.0.0.1',
    listenPort: port,
    tls: o.tls,
    dockerSocket: o.socketPath ?? '/var/run/docker.sock',
    labels: o.labels ?? [],
    sessionNetwork: o.network,
    ...(o.metricsToken && { metricsToken: o.metricsToken }),
  }
  const docker: DockerPort = createDockerodePort({ socketPath: config.dockerSocket })
  const agent = createAgent({ config, docker, log: agentLog })
  const { agentId } = await agent.start()
  return { agent, agentId, docker, config, dataDir, removeData: () => rmSync(dataDir, { recursive: true, force: true }) }
}

/**
 * The agent as its own process (`agent/src/main.ts`), as it is deployed: same handle as startAgent.
 * The benchmark uses it so the edge's work (and its GC) does not share the relay's thread.
 */
export async function startAgentProcess(edge: Edge, o: { network: string; dataDir?: string }) {
  const token = await registrationToken(edge)
  const port = await freePort()
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'oriel-agent-'))
  const name = `agent-${process.pid}-${port}`
  const child = spawnAgentProcess({ via: 'node', edge, token, name, port, dataDir, network: o.network })
  await waitFor(async () => (await onlineAgent(edge, name)) !== undefined, 60_000, 'the agent process to enrol')
  const agentId = (await onlineAgent(edge, name))!.agent_id.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')
  const close = () =>
    new Promise<void>((r) => {
      if (child.exitCode !== null) return r()
      child.once('exit', () => r())
      process.kill(-child.pid!, 'SIGTERM')
    })
  const docker: DockerPort = createDockerodePort({ socketPath: '/var/run/docker.sock' })
  return {
    agent: { close },
    agentId,
    pid: child.pid!,
    docker,
    dataDir,
    removeData: () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

/**
 * The agent program in its own process group, as deployed: `npm run agent`, or the node program it runs
 * (`via: 'node'`, one process fewer). It enrols with `token` as `name`, its gateway on `port`; without a
 * token it starts from the identity its data folder holds, as after a restart.
 */
export function spawnAgentProcess(o: {
  via: 'npm' | 'node'
  edge: Edge
  token?: string
  name: string
  port: number
  dataDir: string
  network: string
}) {
  const command: [string, string[]] =
    o.via === 'npm' ? ['npm', ['run', 'agent']] : [process.execPath, ['--import', 'tsx', 'agent/src/main.ts']]
  return spawn(...command, {
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      ORIEL_EDGE_URL: o.edge.url,
      ORIEL_AGENT_DATA_DIR: o.dataDir,
      ORIEL_AGENT_NAME: o.name,
      ORIEL_AGENT_PUBLIC_URL: `http://127.0.0.1:${o.port}`,
      ORIEL_AGENT_LISTEN_PORT: String(o.port),
      ORIEL_SESSION_NETWORK: o.network,
      ...(o.token && { ORIEL_AGENT_TOKEN: o.token }),
    },
  })
}

/** The agent named `name` as get_agents lists it, if it is online. */
export const onlineAgent = async (edge: Edge, name: string) =>
  ((await edge.api('get_agents', {}, edge.adminToken)).body.agents as { agent_id: string; name: string; status: string }[]).find(
    (a) => a.name === name && a.status === 'online',
  )

/** A user allowed to launch the reference desktop, with the given group settings. */
export async function launcherUser(edge: Edge, settings: Record<string, unknown>) {
  const a = edge.adminToken
  const suffix = crypto.randomUUID().slice(0, 8)
  const group = await edge.api(
    'create_group',
    { target_group: { name: `e2e-${suffix}`, priority: 100 + Math.floor(Math.random() * 90_000) } },
    a,
  )
  const groupId = group.body.group.group_id
  for (const [name, value] of Object.entries(settings)) {
    await edge.api('update_settings_group', { target_group: { group_id: groupId }, target_setting: { name, value } }, a)
  }
  const images = await edge.api('get_images', {}, a)
  let image = images.body.images.find((i: { name: string }) => i.name === IMAGE)
  if (!image)
    image = (
      await edge.api(
        'create_image',
        { target_image: { friendly_name: 'Debian Desktop', name: IMAGE, cores: 0.5, memory: 768 * 1024 * 1024 } },
        a,
      )
    ).body.image
  await edge.api('add_images_group', { target_group: { group_id: groupId }, target_image: { image_id: image.image_id } }, a)
  const username = `e2e-${suffix}@example.com`
  const user = await edge.api('create_user', { target_user: { username, password: 'e2e-user-password' } }, a)
  await edge.api('add_user_group', { target_user: { user_id: user.body.user.user_id }, target_group: { group_id: groupId } }, a)
  const token = (await edge.api('login', { username, password: 'e2e-user-password' })).body.token as string
  return { token, username, password: 'e2e-user-password', userId: user.body.user.user_id as string, imageId: image.image_id as string }
}

/** Polls get_kasm_status until it answers 404: the session has ended and the edge no longer knows it. */
export async function waitEnded(
  edge: { api: (verb: string, body: Record<string, unknown>, token?: string) => Promise<{ status: number }> },
  token: string,
  kasmId: string,
  ms = 30_000,
) {
  await waitFor(async () => (await edge.api('get_kasm_status', { kasm_id: kasmId }, token)).status === 404, ms, `session ${kasmId} to end`)
}

/** Polls get_kasm_status until the session runs (or fails), like the dashboard's launch screen. */
export async function waitRunning(edge: Edge, token: string, kasmId: string, ms = 90_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const s = await edge.api('get_kasm_status', { kasm_id: kasmId }, token)
    if (s.body.operational_status === 'running') return s.body
    if (s.body.operational_status === 'error' || Date.now() > deadline) throw new Error(`session did not start: ${JSON.stringify(s.body)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function waitFor(check: () => Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * Registers a test file's platform: Docker ready, the edge, and one in-process agent on its own
 * session network; everything the file left running is removed afterwards.
 */
export function useAgentPlatform(name: string, o: { metricsToken?: string } = {}) {
  const edge = {} as Edge
  const agent = {} as Awaited<ReturnType<typeof startAgent>>
  const network = `oriel-e2e-${name}-${process.pid}`
  beforeAll(async () => {
    ensureDocker()
    Object.assign(edge, await startEdge())
    Object.assign(agent, await startAgent(edge, { network, ...o }))
  }, 900_000)
  afterAll(async () => {
    await agent.agent?.close({ graceMs: 2_000 })
    for (const c of (await agent.docker?.listManaged(agent.agentId)) ?? []) await agent.docker.remove(c.containerId)
    await agent.docker?.removeSessionNetwork(network).catch(() => {})
    agent.removeData?.()
    await edge.close?.()
  })
  return { edge, agent }
}
