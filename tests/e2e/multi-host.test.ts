// From one machine to three (issue 14, part 4; seed 002 §3.3), as the README walks an operator through it:
// machine 1 runs `npm start`'s program on every address with no local agent or proxy; machine 2, an agent
// host, and machine 3, a connection-proxy host, are simulated hosts (their own network namespace and dockerd,
// netns-host.ts) that get the Oriel image by `docker save | docker load` and run deploy/agent and
// deploy/conn-proxy with Debian's docker-compose, given only the edge URL, a registration token and their
// public URL. A user in Chromium then streams a desktop from machine 2 and an SSH server through machine 3.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDocker, freePort, IMAGE, waitFor } from '../support/platform'
import { startSshd, type SshTarget } from '../support/targets'
import { desktopShows, launchIn, useBrowser } from './dashboard/browser'
import { screen, typeAndSee } from './dashboard/server-sessions-kit'
import { carryImage, composeOn, connectsFrom, type ComposeProject } from './multi-host-kit'
import { startNetnsHost, type NetnsHost } from './netns-host'
import { startPlatformProcess, type PlatformProcess } from './platform-process'

const PASSWORDS = { ORIEL_ADMIN_PASSWORD: 'Multi-Admin-Pass-1', ORIEL_USER_PASSWORD: 'Multi-User-Pass-1' }
const SSH_USER = { name: 'orielmh', password: 'Multi-Host-Ssh-1' }
const work = mkdtempSync(join(tmpdir(), 'oriel-multi-host-'))
/** Machine 2's root for persistent profiles, mounted into the agent at the same path (ORIEL_HOST_FOLDERS). */
const hostFolders = join(work, 'host-folders')
const browser = useBrowser()
let edge: PlatformProcess
let admin: string
let agentHost: NetnsHost
let proxyHost: NetnsHost
let agent: ComposeProject
let proxy: ComposeProject
let agentEnv: Record<string, string>
let ssh: SshTarget
const METRICS_TOKEN = 'multi-host-metrics-token'
/** Not the compose files' defaults (8788, 8789), to show ORIEL_AGENT_PORT and ORIEL_PROXY_PORT take effect. */
const PORTS = { agent: 8798, proxy: 8799 }
const agentUrl = () => `http://${agentHost.hostedIp}:${PORTS.agent}`
const proxyUrl = () => `http://${proxyHost.hostedIp}:${PORTS.proxy}`

async function token(): Promise<string> {
  const zone = (await edge.api('get_zones', {}, admin)).body.zones[0].zone_id
  const made = await edge.api('create_registration_token', { target_registration_token: { zone_id: zone } }, admin)
  expect(made.status, JSON.stringify(made.body)).toBe(200)
  return made.body.registration_token.token
}

/** A workspace every user may launch (All Users), as an admin adds one in the dashboard. */
async function offer(target_image: Record<string, unknown>) {
  const image = await edge.api('create_image', { target_image }, admin)
  expect(image.status, JSON.stringify(image.body)).toBe(200)
  const groups = (await edge.api('get_groups', {}, admin)).body.groups as { group_id: string; name: string }[]
  const all = groups.find((g) => g.name === 'All Users')!.group_id
  await edge.api('add_images_group', { target_group: { group_id: all }, target_image: { image_id: image.body.image.image_id } }, admin)
}

/** The user signs in in Chromium and clicks the workspace's tile; the page's WebSocket URLs are collected. */
const launch = (workspace: string) =>
  launchIn(browser, edge.url, { username: 'user@kasm.local', password: PASSWORDS.ORIEL_USER_PASSWORD }, workspace)

/** A daemon's /metrics with the token its compose variable set; refused without it. */
async function metrics(base: string): Promise<string> {
  // The daemon reports in before its HTTP side may be listening: wait for that first.
  const unauthenticated = () =>
    fetch(`${base}/metrics`).then(
      (r) => r.status,
      (err: Error) => err.message,
    )
  await expect.poll(unauthenticated, { timeout: 60_000 }).toBe(401)
  const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })
  expect(res.status).toBe(200)
  return res.text()
}

const listed = async (verb: 'get_agents' | 'get_connection_proxies', key: 'agents' | 'connection_proxies') =>
  (await edge.api(verb, {}, admin)).body[key] as { status: string; public_url: string; agent_id?: string }[]

beforeAll(async () => {
  ensureDocker()
  // Machine 1: the platform on every address, sessions only on the other machines.
  const port = await freePort()
  edge = await startPlatformProcess({
    via: 'node',
    port,
    env: {
      ...PASSWORDS,
      HOST: '0.0.0.0',
      ORIEL_DATA_DIR: join(work, 'data'),
      DATABASE_URL: '',
      ORIEL_LOCAL_AGENT: '0',
      ORIEL_LOCAL_CONN_PROXY: '0',
    },
  })
  admin = (await edge.api('login', { username: 'admin@kasm.local', password: PASSWORDS.ORIEL_ADMIN_PASSWORD })).body.token
  // The image, built once here, carried to both hosts; the proxy host also gets guacd (the tests' stand-in for
  // the official image: Debian's guacd at the official path, guacd-ci.md) and the agent host the desktop.
  execFileSync('bash', ['scripts/build-oriel-image.sh'], { stdio: 'pipe', timeout: 900_000 })
  agentHost = startNetnsHost('mh-agent', '46')
  proxyHost = startNetnsHost('mh-proxy', '47')
  execFileSync('bash', ['scripts/ensure-guacd-image.sh'], { stdio: 'pipe', timeout: 900_000 })
  for (const host of [agentHost, proxyHost]) carryImage(host, 'oriel/oriel:latest')
  carryImage(proxyHost, 'oriel/guacd-test:bullseye')
  // The SSH server lives on machine 1, at the address machine 3 reaches it by.
  ssh = await startSshd([SSH_USER], { host: proxyHost.hostIp })
  agent = composeOn(agentHost, 'agent', 'oriel-agent')
  proxy = composeOn(proxyHost, 'conn-proxy', 'oriel-proxy')
}, 900_000)

afterAll(async () => {
  // A failed `down` must not leave the hosts, sshd and the edge running: stop-host-netns.sh ends the containers anyway.
  for (const project of [agent, proxy])
    try {
      project?.down('-v', '--remove-orphans')
    } catch (err) {
      console.warn(String(err))
    }
  for (const host of [agentHost, proxyHost]) host?.stop()
  await ssh?.stop()
  if (edge && edge.child.exitCode === null) (process.kill(-edge.child.pid!, 'SIGTERM'), await edge.exited)
  rmSync(work, { recursive: true, force: true })
}, 300_000)

describe('from one machine to three', () => {
  it('machine 2 runs deploy/agent with the edge URL and a token, and enrols', async () => {
    agentEnv = {
      ORIEL_EDGE_URL: `http://${agentHost.hostIp}:${new URL(edge.url).port}`,
      ORIEL_AGENT_TOKEN: await token(),
      ORIEL_AGENT_PUBLIC_URL: agentUrl(),
      ORIEL_DOCKER_SOCKET: agentHost.socketPath,
      ORIEL_HOST_FOLDERS: hostFolders,
      ORIEL_AGENT_PORT: String(PORTS.agent),
      ORIEL_AGENT_NAME: 'machine-2',
      ORIEL_AGENT_LABELS: 'ssd,eu',
      ORIEL_AGENT_METRICS_TOKEN: METRICS_TOKEN,
    }
    agent.up(agentEnv)
    await waitFor(
      async () => (await listed('get_agents', 'agents')).some((a) => a.status === 'online'),
      120_000,
      `the agent:\n${agent.logs()}`,
    )
    expect(await listed('get_agents', 'agents')).toMatchObject([
      { status: 'online', public_url: agentUrl(), name: 'machine-2', labels: ['ssd', 'eu'] },
    ])
    expect(await metrics(agentUrl())).toContain('oriel_agent_sessions')
  }, 300_000)

  it('machine 3 runs deploy/conn-proxy with guacd, which answers only the proxy', async () => {
    proxy.up({
      ORIEL_EDGE_URL: `http://${proxyHost.hostIp}:${new URL(edge.url).port}`,
      ORIEL_PROXY_TOKEN: await token(),
      ORIEL_PROXY_PUBLIC_URL: proxyUrl(),
      ORIEL_PROXY_CLUSTER_SIZE: '2',
      ORIEL_PROXY_PORT: String(PORTS.proxy),
      ORIEL_PROXY_NAME: 'machine-3',
      ORIEL_PROXY_METRICS_TOKEN: METRICS_TOKEN,
      GUACD_IMAGE: 'oriel/guacd-test:bullseye',
    })
    await waitFor(
      async () => (await listed('get_connection_proxies', 'connection_proxies')).some((p) => p.status === 'online'),
      120_000,
      `the proxy:\n${proxy.logs()}`,
    )
    expect(await listed('get_connection_proxies', 'connection_proxies')).toMatchObject([
      { status: 'online', public_url: proxyUrl(), name: 'machine-3' },
    ])
    // /health answers only when guacd does, and guacd itself is closed to everything but the proxy's own loopback.
    // (Its workers may still be starting when the primary's first heartbeat lands.)
    const health = () =>
      fetch(`${proxyUrl()}/health`).then(
        (r) => r.status,
        (err: Error) => err.message,
      )
    await expect.poll(health, { timeout: 60_000 }).toBe(200)
    const ip = proxy.ip('conn-proxy')
    // On the container's own address: the proxy on its port inside the container, guacd not at all.
    expect(connectsFrom(proxyHost, ip, 8789)).toBe(true)
    expect(connectsFrom(proxyHost, ip, 4822)).toBe(false)
    expect(await metrics(proxyUrl())).toContain('oriel_proxy_connections')
    // ORIEL_PROXY_CLUSTER_SIZE=2: the primary and two workers, each running the proxy's entry.
    expect(proxy.commands('conn-proxy').filter((c) => c.includes('conn-proxy/src/main.ts'))).toHaveLength(3)
  }, 300_000)

  it('a user streams a desktop from machine 2, its profile in the mounted host folder', async () => {
    await offer({ friendly_name: 'Remote Desktop', name: IMAGE, persistent_profile_path: `${hostFolders}/profiles/{username}` })
    const { page, sockets } = await launch('Remote Desktop')
    await desktopShows(page, 180_000)
    expect(sockets.some((u) => u.startsWith(`${agentUrl().replace('http:', 'ws:')}/`))).toBe(true)
    // The agent made the profile folder for kasm-user through the mount, and the desktop (uid 1000) started in it.
    const [profile] = readdirSync(join(hostFolders, 'profiles'))
    expect(statSync(join(hostFolders, 'profiles', profile!)).uid).toBe(1000)
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Remote Desktop' }).waitFor()
    await page.close()
  }, 300_000)

  it('a user types into an SSH server through machine 3', async () => {
    const server = await edge.api(
      'create_server',
      {
        target_server: {
          name: 'ssh-machine-1',
          zone_name: 'default',
          connection_type: 'SSH',
          ip_hostname: ssh.host,
          port: ssh.port,
          connection_credential_type: 'STATIC',
          connection_username: SSH_USER.name,
          connection_password: SSH_USER.password,
          max_simultaneous_sessions: 2,
        },
      },
      admin,
    )
    expect(server.status, JSON.stringify(server.body)).toBe(200)
    await offer({ friendly_name: 'Remote Shell', image_type: 'Server', server_id: server.body.server.server_id })
    const { page, sockets } = await launch('Remote Shell')
    await page.locator('.screen.guac[data-connected="yes"]').waitFor({ timeout: 60_000 })
    await expect.poll(async () => (await screen(page)).colours, { timeout: 20_000 }).toBeGreaterThan(1)
    expect(sockets.some((u) => u.startsWith(`${proxyUrl().replace('http:', 'ws:')}/`))).toBe(true)
    await typeAndSee(page, 'multi-host-ssh')
    expect(ssh.log()).toContain(`Accepted password for ${SSH_USER.name} from ${proxyHost.hostedIp}`)
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Remote Shell' }).waitFor()
    await page.close()
  }, 300_000)

  it('restarted without its token, the agent keeps its identity from the volume', async () => {
    const [before] = await listed('get_agents', 'agents')
    agent.down()
    agent.up({ ...agentEnv, ORIEL_AGENT_TOKEN: '' })
    // `down` removed the old container, so these are the new one's lines only.
    const running = () => agent.logs().match(/"msg":"agent running".*?"agent_id":"([^"]+)"/)?.[1]
    await waitFor(async () => running() !== undefined, 120_000, `the agent:\n${agent.logs()}`)
    expect(running()?.replaceAll('-', '')).toBe(before!.agent_id)
    expect(await listed('get_agents', 'agents')).toMatchObject([{ agent_id: before!.agent_id, status: 'online' }])
  }, 300_000)
})
