// The Worker exactly as `wrangler deploy` uploads it (the dry run's bundle, served unbundled by wrangler dev)
// with only the secrets the README's deploy section names, as a new operator would set them. It signs in,
// launches a desktop through a real agent, and connects a Server session through a real conn-proxy, guacd
// and sshd: sshd accepting the password is the proof that the Worker decrypted it. Then the same bundle with
// one secret missing: every route answers 503 naming it, never a 500.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { TEMPLATE_ADMIN_PASSWORD, TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from '../support/constants'
import { startConnProxyProcess, type ConnProxyProcess } from '../support/conn-proxy-process'
import { GuacTestClient } from '../support/guac-client'
import { startGuacd, type Guacd } from '../support/guacd'
import { ensureDocker, launcherUser, startAgent, waitEnded, waitRunning, type Edge } from '../support/platform'
import { startSshd, type SshTarget } from '../support/targets'
import { buildDeployBundle, cloneTemplate, startWranglerDev, WRANGLER_START_TIMEOUT_MS, type WranglerDev } from '../support/wrangler-dev'

const SSH_USER = { name: 'orielwk', password: 'Wörker-Pass-1' }
const network = `oriel-e2e-workers-${process.pid}`
const dir = mkdtempSync(join(tmpdir(), 'oriel-deploy-'))
let configPath = ''
let database: Awaited<ReturnType<typeof cloneTemplate>>
let dev: WranglerDev
let guacd: Guacd
let ssh: SshTarget
let proxy: ConnProxyProcess
let agent: Awaited<ReturnType<typeof startAgent>>
const edge = {} as Edge

/** The README's deploy secrets; WS_PROXY is the README's local-only switch that lets the Neon driver reach a plain Postgres. */
const secrets = () => ({
  DATABASE_URL: database.url,
  SESSION_SECRET: TEST_SESSION_SECRET,
  EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY,
  SECRETS_KEY: TEST_SECRETS_KEY,
  WS_PROXY: `127.0.0.1:${inject('wsProxyPort')}`,
})

async function call(url: string, verb: string, body: Record<string, unknown>, token?: string) {
  const res = await fetch(`${url}/api/public/${verb}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

beforeAll(async () => {
  ensureDocker()
  configPath = buildDeployBundle(dir)
  database = await cloneTemplate(inject('pgBaseUrl'), 'e2e_deploy')
  ;[dev, guacd, ssh] = await Promise.all([startWranglerDev({ vars: secrets(), configPath }), startGuacd(), startSshd([SSH_USER])])
  const api = (verb: string, body: Record<string, unknown>, token?: string) => call(dev.url, verb, body, token)
  const login = await api('login', { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD })
  expect(login.status, JSON.stringify(login.body)).toBe(200)
  Object.assign(edge, { url: dev.url, api, adminToken: login.body.token })
  agent = await startAgent(edge, { network })
  proxy = await startConnProxyProcess(edge, { guacdPort: guacd.port, name: 'workers-proxy' })
}, WRANGLER_START_TIMEOUT_MS + 300_000)

afterAll(async () => {
  await proxy?.stop()
  await agent?.agent.close({ graceMs: 2_000 })
  for (const c of (await agent?.docker.listManaged(agent.agentId)) ?? []) await agent.docker.remove(c.containerId)
  await agent?.docker.removeSessionNetwork(network).catch(() => {})
  agent?.removeData()
  await ssh?.stop()
  guacd?.stop()
  await dev?.stop()
  await database?.drop().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

describe('the Worker as deployed, with the README’s secrets', () => {
  it('answers its healthcheck and launches a desktop through a local agent', async () => {
    const health = await fetch(`${dev.url}/api/__healthcheck`)
    expect([health.status, await health.json()]).toEqual([200, { ok: true, database: 'ok' }])
    const user = await launcherUser(edge, {})
    const launched = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    expect(launched.status, JSON.stringify(launched.body)).toBe(200)
    const status = await waitRunning(edge, user.token, launched.body.kasm_id)
    expect(status.kasm.stream).toBeDefined()
    expect((await agent.docker.listManaged(agent.agentId)).length).toBe(1)
    expect((await edge.api('destroy_kasm', { kasm_id: launched.body.kasm_id }, user.token)).status).toBe(200)
    await waitEnded(edge, user.token, launched.body.kasm_id, 60_000)
  }, 180_000)

  it('stores a server’s password encrypted and decrypts it for the proxy: sshd accepts the login', async () => {
    const a = edge.adminToken
    const server = await edge.api(
      'create_server',
      {
        target_server: {
          name: 'workers-ssh',
          zone_name: 'default',
          connection_type: 'SSH',
          connection_credential_type: 'STATIC',
          ip_hostname: ssh.host,
          port: ssh.port,
          connection_username: SSH_USER.name,
          connection_password: SSH_USER.password,
        },
      },
      a,
    )
    expect(server.status, JSON.stringify(server.body)).toBe(200)
    // Write-only: what the API reads back never holds the password.
    const read = await edge.api('get_servers', {}, a)
    expect(read.body.servers.map((s: { server_id: string }) => s.server_id)).toContain(server.body.server.server_id)
    expect(JSON.stringify(read.body)).not.toContain(SSH_USER.password)
    const image = await edge.api(
      'create_image',
      { target_image: { friendly_name: 'Workers SSH', image_type: 'Server', server_id: server.body.server.server_id } },
      a,
    )
    const group = (await edge.api('create_group', { target_group: { name: 'workers ssh', priority: 60 } }, a)).body.group.group_id
    await edge.api('add_images_group', { target_group: { group_id: group }, target_image: { image_id: image.body.image.image_id } }, a)
    const username = `workers-${crypto.randomUUID().slice(0, 8)}@example.com`
    const made = await edge.api('create_user', { target_user: { username, password: 'workers-user-password' } }, a)
    await edge.api('add_user_group', { target_user: { user_id: made.body.user.user_id }, target_group: { group_id: group } }, a)
    const token = (await edge.api('login', { username, password: 'workers-user-password' })).body.token

    const accepted = ssh.log().split(`Accepted password for ${SSH_USER.name}`).length
    const launched = await edge.api('request_kasm', { image_id: image.body.image.image_id }, token)
    expect(launched.status, JSON.stringify(launched.body)).toBe(200)
    const status = await edge.api('get_kasm_status', { kasm_id: launched.body.kasm_id }, token)
    const stream = status.body.kasm.stream as { url: string; token: string }
    expect(stream.url).toBe(`${proxy.url.replace('http', 'ws')}/guac/connect`)
    const client = await GuacTestClient.connect(`${stream.url}?token=${encodeURIComponent(stream.token)}`)
    await client.waitForOpcode('sync', 30_000)
    await expect.poll(() => ssh.log().split(`Accepted password for ${SSH_USER.name}`).length, { timeout: 15_000 }).toBeGreaterThan(accepted)
    expect(client.all('error')).toEqual([])
    expect((await edge.api('destroy_kasm', { kasm_id: launched.body.kasm_id }, token)).status).toBe(200)
    await client.closed
  }, 120_000)
})

describe('the same Worker with SECRETS_KEY not set', () => {
  let broken: WranglerDev
  beforeAll(async () => {
    const { SECRETS_KEY: _, ...rest } = secrets()
    broken = await startWranglerDev({ vars: rest, configPath })
  }, WRANGLER_START_TIMEOUT_MS + 30_000)
  afterAll(() => broken?.stop())

  it('answers every API route 503 with one message naming the secret, never a 500; the dashboard still loads', async () => {
    const expected = 'Oriel is not configured: SECRETS_KEY is not set'
    const health = await fetch(`${broken.url}/api/__healthcheck`)
    expect([health.status, ((await health.json()) as { error_message: string }).error_message]).toEqual([503, expected])
    const routes = [
      await call(broken.url, 'login', { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD }),
      await call(broken.url, 'get_images', {}),
      await call(broken.url, 'no_such_verb', {}),
      await fetch(`${broken.url}/api/agent/poll`, { method: 'POST', body: '{}' }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      })),
    ]
    expect(routes.map((r) => [r.status, (r.body as { error_message: string }).error_message])).toEqual(routes.map(() => [503, expected]))
    const page = await fetch(broken.url)
    expect([page.status, (await page.text()).includes('<div id="app">')]).toEqual([200, true])
    // Logged once for the isolate, not once per request.
    expect(broken.log().split(expected).length - 1).toBe(1)
  }, 60_000)
})
