// A second agent host on this machine for end-to-end tests: a network namespace with its own dockerd
// (scripts/start-host-netns.sh, docs/architecture.md#docker-host-input), the agent daemon running inside it as
// a child process, and an edge that listens where both hosts can reach it.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { migrate } from '#schema'
import { createDockerodePort, type DockerPort } from '../../agent/src/docker/docker-port'
import { systemClock } from '../../edge/src/clock'
import { edgeConfig } from '../../edge/src/config'
import { openPglite } from '../../edge/src/db/pglite'
import { silentLogger } from '../../edge/src/log'
import { createEdgeServer } from '../../edge/src/node/server'
import { bootstrap } from '../../edge/src/services/bootstrap'
import { TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from '../support/constants'
import { freePort, IMAGE, type Edge } from '../support/platform'

const ADMIN_PASSWORD = 'e2e-admin-password'
const USER_PASSWORD = 'e2e-user-password'
/** The first start loads the desktop image into the empty daemon (10–20 s on this VM's disk, notes §5). */
const HOST_START_TIMEOUT_MS = 300_000
const AGENT_START_TIMEOUT_MS = 60_000
const AGENT_STOP_GRACE_MS = 10_000

export type NetnsHost = {
  name: string
  /** The netns, as /run/netns/<netns>. */
  netns: string
  /** This machine's end of the veth: where processes in the netns reach the root netns. */
  hostIp: string
  /** The netns's eth0: where the root netns reaches the simulated host. */
  hostedIp: string
  socketPath: string
  /** A handle on the netns's daemon. Its iptables live in the netns, so the root netns's are left alone. */
  docker: DockerPort
  stop: () => void
}

/** Starts (or reuses) the simulated host `name` on 10.2<index>.0.0/24; `index` is two digits, 00–55. */
export function startNetnsHost(name: string, index: string): NetnsHost {
  const out = execFileSync('bash', ['scripts/start-host-netns.sh', name, index], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: HOST_START_TIMEOUT_MS,
  })
  const socketPath = out.trim().split('\n').at(-1)!
  const noFirewall = async () => {}
  return {
    name,
    netns: `oriel-${name}`,
    hostIp: `10.2${index}.0.1`,
    hostedIp: `10.2${index}.0.2`,
    socketPath,
    docker: createDockerodePort({ socketPath, isolate: noFirewall, unisolate: noFirewall }),
    stop: () => void execFileSync('bash', ['scripts/stop-host-netns.sh', name], { stdio: 'pipe', timeout: 120_000 }),
  }
}

/** platform.ts's startEdge, listening on `hostname` instead of loopback so agents in a netns reach it. */
export async function startEdgeOn(hostname: string): Promise<Edge> {
  const { db, close } = await openPglite()
  await migrate(db)
  await bootstrap(db, { adminPassword: ADMIN_PASSWORD, userPassword: USER_PASSWORD })
  const config = edgeConfig({ SESSION_SECRET: TEST_SESSION_SECRET, EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY, SECRETS_KEY: TEST_SECRETS_KEY })
  const edge = createEdgeServer({ db, config, clock: systemClock, log: silentLogger, port: 0, hostname })
  const { port } = await edge.start()
  const url = `http://${hostname}:${port}`
  async function api(verb: string, body: Record<string, unknown>, token?: string) {
    const res = await fetch(`${url}/api/public/${verb}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const adminToken = (await api('login', { username: 'admin@kasm.local', password: ADMIN_PASSWORD })).body.token as string
  return { url, db, api, adminToken, close: async () => (await edge.close(), await close()) }
}

export type ChildAgent = { agentId: string; publicUrl: string; stop: () => Promise<void> }

/**
 * Runs the agent daemon (agent/src/main.ts, configured by its environment) inside the host's netns,
 * as a separate process: its gateway listens on every address of the netns and it talks to the
 * netns's dockerd. Resolves once it has enrolled and logged "agent running".
 */
export async function spawnNetnsAgent(
  host: NetnsHost,
  o: { edgeUrl: string; token: string; labels: string[]; network: string; name: string },
): Promise<ChildAgent> {
  // The netns is fresh, so any port is free there; taking one free here merely avoids a fixed number.
  const port = await freePort()
  const publicUrl = `http://${host.hostedIp}:${port}`
  const dataDir = mkdtempSync(join(tmpdir(), 'oriel-netns-agent-'))
  const child = spawn('nsenter', [`--net=/run/netns/${host.netns}`, 'npx', 'tsx', 'agent/src/main.ts'], {
    env: {
      ...process.env,
      ORIEL_EDGE_URL: o.edgeUrl,
      ORIEL_AGENT_TOKEN: o.token,
      ORIEL_AGENT_DATA_DIR: dataDir,
      ORIEL_AGENT_NAME: o.name,
      ORIEL_AGENT_PUBLIC_URL: publicUrl,
      ORIEL_AGENT_LISTEN_HOST: '0.0.0.0',
      ORIEL_AGENT_LISTEN_PORT: String(port),
      ORIEL_DOCKER_SOCKET: host.socketPath,
      ORIEL_AGENT_LABELS: o.labels.join(','),
      ORIEL_SESSION_NETWORK: o.network,
    },
    // Its own process group: npx, tsx and the agent's node are stopped together, by this group's id.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()))
  const lines = createInterface({ input: child.stdout })
  const agentId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the netns agent did not start within ${AGENT_START_TIMEOUT_MS} ms:\n${output.join('').slice(-4000)}`)),
      AGENT_START_TIMEOUT_MS,
    )
    lines.on('line', (l) => {
      output.push(`${l}\n`)
      const entry = parseJson(l)
      if (entry?.msg === 'agent running') (clearTimeout(timer), resolve(String(entry.agent_id)))
    })
    void exited.then(
      (code) => (clearTimeout(timer), reject(new Error(`the netns agent exited (code ${code}):\n${output.join('').slice(-4000)}`))),
    )
  }).catch(async (err) => {
    await stopGroup(child.pid!, exited)
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  })
  return {
    agentId,
    publicUrl,
    stop: async () => {
      await stopGroup(child.pid!, exited)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Stops the child agent: SIGTERM to its process group, as a terminal's Ctrl-C would (npx runs tsx through
 * `sh -c`, which does not pass signals on; tsx sees that its child got the signal too and does not send
 * a second one), so the agent closes gracefully; SIGKILL to whatever is left after the grace period.
 */
async function stopGroup(pgid: number, exited: Promise<unknown>): Promise<void> {
  const signal = (s: NodeJS.Signals | 0) => {
    try {
      process.kill(-pgid, s)
      return true
    } catch {
      return false // ESRCH: nothing of the group is left
    }
  }
  signal('SIGTERM')
  const alive = () => signal(0)
  const deadline = Date.now() + AGENT_STOP_GRACE_MS
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  if (alive()) signal('SIGKILL')
  await exited
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** A container workspace of the reference desktop with the given placement fields (cores, labels, zone…). */
export async function createWorkspace(edge: Edge, fields: Record<string, unknown>): Promise<string> {
  const res = await edge.api(
    'create_image',
    { target_image: { friendly_name: `Desktop ${crypto.randomUUID().slice(0, 8)}`, name: IMAGE, ...fields } },
    edge.adminToken,
  )
  if (res.status !== 200) throw new Error(`create_image: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.image.image_id as string
}

/** A user in a new group that may launch `imageIds`, with group settings that win over All Users'. */
export async function userFor(
  edge: Edge,
  imageIds: string[],
  settings: Record<string, unknown>,
): Promise<{ token: string; userId: string }> {
  const a = edge.adminToken
  const suffix = crypto.randomUUID().slice(0, 8)
  // All Users has priority 1000; a lower number wins (schema/src/settings.ts). Priorities are unique,
  // so a random one below 1000 can be taken already: try another.
  let group = await edge.api(
    'create_group',
    { target_group: { name: `e2e-${suffix}`, priority: 500 + Math.floor(Math.random() * 400) } },
    a,
  )
  for (let tries = 0; group.status === 409 && tries < 20; tries++) {
    group = await edge.api('create_group', { target_group: { name: `e2e-${suffix}`, priority: 500 + Math.floor(Math.random() * 400) } }, a)
  }
  const groupId = group.body.group.group_id
  for (const [name, value] of Object.entries(settings)) {
    await edge.api('update_settings_group', { target_group: { group_id: groupId }, target_setting: { name, value } }, a)
  }
  for (const imageId of imageIds)
    await edge.api('add_images_group', { target_group: { group_id: groupId }, target_image: { image_id: imageId } }, a)
  const username = `e2e-${suffix}@example.com`
  const user = await edge.api('create_user', { target_user: { username, password: USER_PASSWORD } }, a)
  await edge.api('add_user_group', { target_user: { user_id: user.body.user.user_id }, target_group: { group_id: groupId } }, a)
  const token = (await edge.api('login', { username, password: USER_PASSWORD })).body.token as string
  return { token, userId: user.body.user.user_id as string }
}
