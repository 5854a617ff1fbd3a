// Fixed-server sessions end to end, as a Kasm client drives them: request_kasm on a Server workspace,
// get_kasm_status's stream, the browser's WebSocket (a raw Guacamole client) to the connection proxy
// daemon the edge chose, guacd, and real sshd and Xvnc targets. Two proxies in the zone share the
// connections, and when one is killed every new connection and the live session's reconnect go
// through the other.
import { existsSync, rmSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startConnProxyProcess, type ConnProxyProcess } from '../support/conn-proxy-process'
import { GuacTestClient, UpgradeRefused } from '../support/guac-client'
import { startGuacd, type Guacd } from '../support/guacd'
import { startEdge, type Edge } from '../support/platform'
import { startSshd, startXvnc, type SshTarget, type VncTarget } from '../support/targets'

const SSH_USER = { name: 'orielsrv', password: 'Srv-Pässwörd-1' }
const VNC_PASSWORD = 'vncpass1'
const METRICS_TOKEN = 'proxy-metrics-token-0123456789'

let edge: Edge
let guacd: Guacd
let ssh: SshTarget
let vnc: VncTarget
const proxies: ConnProxyProcess[] = []
let user: { token: string }
let sshWorkspace: string
let vncWorkspace: string

async function serverWorkspace(server: Record<string, unknown>, groupId: string) {
  const a = edge.adminToken
  const s = await edge.api('create_server', { target_server: { zone_name: 'default', connection_credential_type: 'STATIC', ...server } }, a)
  expect(s.status, JSON.stringify(s.body)).toBe(200)
  const image = await edge.api(
    'create_image',
    { target_image: { friendly_name: `${server.name}`, image_type: 'Server', server_id: s.body.server.server_id } },
    a,
  )
  await edge.api('add_images_group', { target_group: { group_id: groupId }, target_image: { image_id: image.body.image.image_id } }, a)
  return image.body.image.image_id as string
}

beforeAll(async () => {
  ;[edge, guacd, ssh, vnc] = await Promise.all([startEdge(), startGuacd(), startSshd([SSH_USER]), startXvnc(VNC_PASSWORD)])
  // The first runs two workers, so its metrics are the cluster's sum.
  for (let i = 0; i < 2; i++)
    proxies.push(
      await startConnProxyProcess(edge, {
        guacdPort: guacd.port,
        name: `e2e-proxy-${i}`,
        clusterSize: 2 - i,
        env: { ORIEL_PROXY_METRICS_TOKEN: METRICS_TOKEN },
      }),
    )
  const a = edge.adminToken
  const group = (await edge.api('create_group', { target_group: { name: 'server users', priority: 50 } }, a)).body.group.group_id
  await edge.api(
    'update_settings_group',
    { target_group: { group_id: group }, target_setting: { name: 'max_kasms_per_user', value: 0 } },
    a,
  )
  sshWorkspace = await serverWorkspace(
    {
      name: 'e2e-ssh',
      connection_type: 'SSH',
      ip_hostname: ssh.host,
      port: ssh.port,
      connection_username: SSH_USER.name,
      connection_password: SSH_USER.password,
      max_simultaneous_sessions: 20,
      max_simultaneous_users: 5,
    },
    group,
  )
  vncWorkspace = await serverWorkspace(
    {
      name: 'e2e-vnc',
      connection_type: 'VNC',
      ip_hostname: vnc.host,
      port: vnc.port,
      connection_username: 'vnc',
      connection_password: VNC_PASSWORD,
      max_simultaneous_sessions: 20,
      max_simultaneous_users: 5,
    },
    group,
  )
  const username = `srv-${randomUUID().slice(0, 8)}@example.com`
  const made = await edge.api('create_user', { target_user: { username, password: 'e2e-user-password' } }, a)
  await edge.api('add_user_group', { target_user: { user_id: made.body.user.user_id }, target_group: { group_id: group } }, a)
  user = { token: (await edge.api('login', { username, password: 'e2e-user-password' })).body.token }
}, 900_000)

afterAll(async () => {
  for (const p of proxies) await p.stop()
  await ssh?.stop()
  await vnc?.stop()
  guacd?.stop()
  await edge?.close()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function launch(imageId: string) {
  const res = await edge.api('request_kasm', { image_id: imageId }, user.token)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.kasm_id as string
}

/** get_kasm_status's stream, as the dashboard reads it before each (re)connect. */
async function stream(kasmId: string) {
  const s = await edge.api('get_kasm_status', { kasm_id: kasmId }, user.token)
  expect(s.body.kasm.stream, JSON.stringify(s.body)).toBeDefined()
  return s.body.kasm.stream as { kind: string; protocol: string; url: string; token: string }
}

const connect = (s: { url: string; token: string }) => GuacTestClient.connect(`${s.url}?token=${encodeURIComponent(s.token)}`)

async function expectSshLogin(c: GuacTestClient) {
  await c.waitForOpcode('sync')
  await sleep(1_500)
  expect(c.all('error')).toEqual([])
}

describe('server sessions through the connection proxy', () => {
  it('SSH: launch, connect through the chosen proxy, type a command that runs on the server, delete', async () => {
    const kasmId = await launch(sshWorkspace)
    const s = await stream(kasmId)
    expect([s.kind, s.protocol]).toEqual(['server', 'ssh'])
    expect(proxies.map((p) => p.url.replace('http', 'ws') + '/guac/connect')).toContain(s.url)
    const c = await connect(s)
    await expectSshLogin(c)
    expect(ssh.log()).toContain(`Accepted password for ${SSH_USER.name}`)
    const file = `/tmp/oriel-e2e-${randomUUID()}`
    c.type(`touch ${file}\n`)
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(true)
    rmSync(file)
    // The token opened one connection: the same URL again is refused before any upgrade.
    await expect(connect(s)).rejects.toBeInstanceOf(UpgradeRefused)
    // destroy_kasm closes the connection (the proxy's next heartbeat names it).
    expect((await edge.api('destroy_kasm', { kasm_id: kasmId }, user.token)).status).toBe(200)
    await Promise.race([c.closed, sleep(15_000).then(() => Promise.reject(new Error('the connection stayed open')))])
  })

  it('VNC: the remote screen is drawn (the first `img` comes only after authentication)', async () => {
    const kasmId = await launch(vncWorkspace)
    const s = await stream(kasmId)
    expect(s.protocol).toBe('vnc')
    const c = await connect(s)
    await c.waitForOpcode('img')
    expect(c.all('error')).toEqual([])
    await c.disconnect()
    await edge.api('destroy_kasm', { kasm_id: kasmId }, user.token)
  })

  it('metrics: each proxy sums its workers’ connections, relayed bytes and admissions, and times its heartbeats', async () => {
    const scrape = async (p: ConnProxyProcess, auth = `Bearer ${METRICS_TOKEN}`) => {
      const res = await fetch(`${p.url}/metrics`, { headers: { Authorization: auth } })
      return { status: res.status, text: await res.text() }
    }
    const value = (text: string, series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.split(' ')[1] ?? 0,
      )
    expect((await scrape(proxies[0]!, 'Bearer wrong')).status).toBe(401)
    const kasmId = await launch(vncWorkspace)
    const s = await stream(kasmId)
    const p = proxies.find((x) => s.url.startsWith(x.url.replace('http', 'ws')))!
    const before = (await scrape(p)).text
    const c = await connect(s)
    await c.waitForOpcode('img')
    // A garbage token is refused before any upgrade, and counted as a 401.
    await expect(GuacTestClient.connect(`${s.url}?token=garbage`)).rejects.toBeInstanceOf(UpgradeRefused)
    // What the browser's socket read so far (the 101 answer included, as on the proxy's side): the proxy wrote at least that.
    const read = (c.ws as unknown as { _socket: { bytesRead: number } })._socket.bytesRead
    const during = (await scrape(p)).text
    const moved = (series: string) => value(during, series) - value(before, series)
    expect(value(during, 'oriel_proxy_connections')).toBe(1)
    expect(moved('oriel_proxy_admissions_total{outcome="admitted"}')).toBe(1)
    expect(moved('oriel_proxy_admissions_total{outcome="401"}')).toBe(1)
    expect(moved('oriel_proxy_relay_bytes_total{direction="down"}')).toBeGreaterThanOrEqual(read)
    expect(read).toBeGreaterThan(500)
    expect(value(during, 'oriel_proxy_heartbeat_duration_seconds_count{outcome="ok"}')).toBeGreaterThan(0)
    await c.disconnect()
    await expect.poll(async () => value((await scrape(p)).text, 'oriel_proxy_connections')).toBe(0)
    await edge.api('destroy_kasm', { kasm_id: kasmId }, user.token)
  })

  it('spreads connections over both proxies; with one killed, new launches and a live session’s reconnect go through the other', async () => {
    const kasmId = await launch(sshWorkspace)
    const seen = new Set<string>()
    for (let i = 0; i < 20 && seen.size < 2; i++) seen.add((await stream(kasmId)).url)
    expect(seen.size).toBe(2)
    // Connect through a proxy, then kill that proxy's whole process group.
    const s = await stream(kasmId)
    const c = await connect(s)
    await expectSshLogin(c)
    const dead = proxies.find((p) => s.url.startsWith(p.url.replace('http', 'ws')))!
    const alive = proxies.find((p) => p !== dead)!
    dead.kill()
    await Promise.race([c.closed, sleep(10_000).then(() => Promise.reject(new Error('the dead proxy’s connection stayed open')))])
    // The live session reconnects, as the dashboard does: a fresh stream, which now names the other proxy.
    const again = await stream(kasmId)
    expect(again.url).toBe(alive.url.replace('http', 'ws') + '/guac/connect')
    const c2 = await connect(again)
    await expectSshLogin(c2)
    await c2.disconnect()
    // Every new launch succeeds through the survivor.
    for (let i = 0; i < 3; i++) {
      const k = await launch(vncWorkspace)
      const st = await stream(k)
      expect(st.url.startsWith(alive.url.replace('http', 'ws'))).toBe(true)
      const v = await connect(st)
      await v.waitForOpcode('img')
      await v.disconnect()
      await edge.api('destroy_kasm', { kasm_id: k }, user.token)
    }
    await edge.api('destroy_kasm', { kasm_id: kasmId }, user.token)
  })
})
