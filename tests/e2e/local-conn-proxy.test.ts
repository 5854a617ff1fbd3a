// `npm start` runs a local connection proxy when a guacd answers (GUACD_HOST/GUACD_PORT), enrolled in
// the default zone, through which a fixed server's session connects; without a guacd it runs none.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GuacTestClient } from '../support/guac-client'
import { startGuacd, type Guacd } from '../support/guacd'
import { freePort } from '../support/platform'
import { startSshd, type SshTarget } from '../support/targets'
import { startPlatformProcess, type PlatformProcess } from './platform-process'

const SSH_USER = { name: 'oriellocal', password: 'Local-Pass-1' }
let guacd: Guacd
let ssh: SshTarget
const platforms: PlatformProcess[] = []
const dirs: string[] = []

beforeAll(async () => {
  ;[guacd, ssh] = await Promise.all([startGuacd(), startSshd([SSH_USER])])
}, 900_000)
afterAll(async () => {
  for (const p of platforms) if (p.child.exitCode === null) process.kill(-p.child.pid!, 'SIGKILL')
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await ssh?.stop()
  guacd?.stop()
})

async function platform(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'oriel-local-proxy-'))
  dirs.push(dataDir)
  const p = await startPlatformProcess({
    via: 'node',
    port: await freePort(),
    env: { ORIEL_DATA_DIR: dataDir, ORIEL_LOCAL_AGENT: '0', ORIEL_ADMIN_PASSWORD: 'Admin-Pass-1', ...env },
  })
  platforms.push(p)
  const admin = (await p.api('login', { username: 'admin@kasm.local', password: 'Admin-Pass-1' })).body.token as string
  return { p, admin }
}

describe('npm start’s local connection proxy', () => {
  it('runs one when guacd answers, and a server session connects through it', async () => {
    const proxyPort = await freePort()
    const { p, admin } = await platform({ GUACD_PORT: String(guacd.port), ORIEL_CONN_PROXY_PORT: String(proxyPort) })
    const listed = (await p.api('get_connection_proxies', {}, admin)).body.connection_proxies
    // Browsers reach it under the platform's own origin (one port, one certificate), the edge forwarding to its port.
    expect(listed).toMatchObject([{ status: 'online', public_url: `${p.url}/local/conn-proxy`, enabled: true }])
    const server = await p.api(
      'create_server',
      {
        target_server: {
          name: 'local-ssh',
          zone_name: 'default',
          connection_type: 'SSH',
          connection_credential_type: 'STATIC',
          ip_hostname: ssh.host,
          port: ssh.port,
          connection_username: SSH_USER.name,
          connection_password: SSH_USER.password,
        },
      },
      admin,
    )
    const image = await p.api(
      'create_image',
      { target_image: { friendly_name: 'Local SSH', image_type: 'Server', server_id: server.body.server.server_id } },
      admin,
    )
    const me = (await p.api('get_users', {}, admin)).body.users.find((u: { username: string }) => u.username === 'admin@kasm.local')
    const groups = (await p.api('get_groups', {}, admin)).body.groups
    const all = groups.find((g: { name: string }) => g.name === 'All Users')
    await p.api(
      'add_images_group',
      { target_group: { group_id: all.group_id }, target_image: { image_id: image.body.image.image_id } },
      admin,
    )
    const launched = await p.api('request_kasm', { image_id: image.body.image.image_id, user_id: me.user_id }, admin)
    expect(launched.status, JSON.stringify(launched.body)).toBe(200)
    const stream = (await p.api('get_kasm_status', { kasm_id: launched.body.kasm_id }, admin)).body.kasm.stream
    expect(stream.url).toBe(`${p.url.replace('http:', 'ws:')}/local/conn-proxy/guac/connect`)
    const c = await GuacTestClient.connect(`${stream.url}?token=${encodeURIComponent(stream.token)}`)
    await c.waitForOpcode('sync')
    await new Promise((r) => setTimeout(r, 1_500))
    expect(c.all('error')).toEqual([])
    expect(ssh.log()).toContain(`Accepted password for ${SSH_USER.name}`)
    await c.disconnect()
  })

  it('runs none when no guacd answers', async () => {
    const { p, admin } = await platform({ GUACD_PORT: String(await freePort()) })
    expect((await p.api('get_connection_proxies', {}, admin)).body.connection_proxies).toEqual([])
  })
})
