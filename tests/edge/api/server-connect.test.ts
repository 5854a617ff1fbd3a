// A proxy redeems a browser's connect token for the connection details (seed 000): once only, for
// itself only, for a running session; the credentials by type (seed 004), guacd's DLP switches, and
// the admin's connection info through its allow-list. The heartbeat names connections to close.
import { describe, expect, it } from 'vitest'
import { ENCRYPTED_RSA_KEY, ENCRYPTED_RSA_PASSPHRASE } from '../../fixtures/ssh-keys'
import { useTestContext } from '../../support/context'
import { TEST_PASSWORD } from '../../support/builders'
import { signTestEdgeToken } from '../../support/edge-token'
import { serverFixtures } from './server-fixtures'

const { t, admin } = useTestContext()
const { server, workspace, proxy, launch } = serverFixtures(t, admin)
const ALL = { clipboard_up: true, clipboard_down: true, uploads: true, downloads: true, printing: true }
const NONE = { clipboard_up: false, clipboard_down: false, uploads: false, downloads: false, printing: false }
const dashed = (id: string) => id.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')

/** A session on a new server with `fields`, launched by a new user, and a proxy to redeem its tokens. */
async function session(fields: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) {
  const p = await proxy()
  const s = await server(fields)
  const ws = await workspace({ server_id: s.server_id }, settings)
  const u = await ws.user()
  const res = await launch(ws.imageId, u.auth)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  const kasmId = dashed(res.body.kasm_id)
  const token = (o: { audience?: string; dlp?: typeof ALL; jti?: string; at?: Date } = {}) =>
    signTestEdgeToken(
      'connect',
      { sub: u.user.id, kasm_id: kasmId, dlp: o.dlp ?? ALL, view_only: false, jti: o.jti ?? crypto.randomUUID() },
      o.audience ?? p.id,
      o.at ?? t.clock.now(),
    )
  return { p, s, u, kasmId, kasmKid: res.body.kasm_id as string, token }
}

describe('connect tokens', () => {
  it('answers the connection details once, to the proxy the token names, with guacd’s DLP switches', async () => {
    const { p, kasmId, token } = await session()
    const tok = await token({ dlp: { ...NONE, clipboard_down: true } })
    const res = await p.connect(tok)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ kasm_id: kasmId, protocol: 'ssh', prompt: [], view_only: false })
    expect(res.body.settings).toEqual({
      hostname: '192.0.2.10',
      port: '22',
      username: 'ops',
      password: 'Pässwörd-1',
      'disable-copy': '',
      'disable-paste': 'true',
    })
    const again = await p.connect(tok)
    expect([again.status, again.body.error_message]).toEqual([403, 'The connect token was already used'])
  })

  it('refuses tokens for another proxy, expired, forged or garbage, and unsigned calls', async () => {
    const { p, token } = await session()
    const other = await proxy()
    const refusals = [
      await other.connect(await token()),
      await p.connect(await token({ audience: other.id })),
      await p.connect(await token({ at: new Date(t.clock.now().getTime() - 61_000) })),
      await p.connect('garbage'),
      await p.connect((await token()).slice(0, -3) + 'AAA'),
    ]
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403])
    const unsigned = await t.app.request('/api/proxy/connect', { method: 'POST', body: JSON.stringify({ token: await token() }) })
    expect(unsigned.status).toBe(401)
  })

  it('takes redemptions in any sequence order (a proxy’s processes sign concurrently); heartbeats stay ordered', async () => {
    const { p, token } = await session()
    await p.heartbeat({ connections: 0, cpu_percent: 0, cluster_size: 1 })
    const late = await p.signed('/api/proxy/connect', { token: await token() }, { seq: 1 })
    expect(late.status, JSON.stringify(late.body)).toBe(200)
    const replay = await t.app.request('/api/proxy/connect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: late.auth },
      body: late.text,
    })
    expect(replay.status).toBe(403)
    const oldBeat = await p.signed('/api/proxy/heartbeat', { connections: 0, cpu_percent: 0, cluster_size: 1 }, { seq: 1 })
    expect(oldBeat.status).toBe(401)
  })

  it('refuses a destroyed session, and the heartbeat tells the proxy to close it', async () => {
    const { p, u, kasmId, kasmKid, token } = await session()
    const beat = { connections: 1, cpu_percent: 1, cluster_size: 1, kasms: [kasmId] }
    expect((await p.heartbeat(beat)).body.close_kasms).toEqual([])
    expect((await t.api('destroy_kasm', { kasm_id: kasmKid }, u.auth)).status).toBe(200)
    expect((await p.heartbeat(beat)).body.close_kasms).toEqual([kasmId])
    expect((await p.connect(await token())).status).toBe(404)
  })

  it('keeps the admin’s connection info inside its allow-list', async () => {
    const info = {
      guac: { type: 'ssh', settings: { command: 'tmux a || tmux', 'font-size': 11, hostname: 'evil', 'disable-paste': false } },
    }
    const { p, token } = await session({ connection_info: JSON.stringify(info) })
    const settings = (await p.connect(await token({ dlp: NONE }))).body.settings
    expect(settings).toMatchObject({ command: 'tmux a || tmux', 'font-size': '11', hostname: '192.0.2.10', 'disable-paste': 'true' })
  })

  it('merges request_kasm’s own connection info after the server’s, through the same allow-list', async () => {
    const p = await proxy()
    const s = await server({
      connection_info: JSON.stringify({ guac: { type: 'ssh', settings: { command: 'screen -R a', 'font-size': 11 } } }),
    })
    const ws = await workspace({ server_id: s.server_id })
    const u = await ws.user()
    const connection_info = { guac: { type: 'ssh', settings: { command: 'tmux a || tmux', username: 'root', 'read-only': false } } }
    const res = await t.api('request_kasm', { image_id: ws.imageId, connection_info }, u.auth)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const token = await signTestEdgeToken(
      'connect',
      { sub: u.user.id, kasm_id: dashed(res.body.kasm_id), dlp: ALL, view_only: false, jti: crypto.randomUUID() },
      p.id,
      t.clock.now(),
    )
    const settings = (await p.connect(token)).body.settings
    expect(settings).toMatchObject({ command: 'tmux a || tmux', 'font-size': '11', username: 'ops' })
    expect(settings).not.toHaveProperty('read-only')
    const bad = await t.api('request_kasm', { image_id: ws.imageId, connection_info: { ssh: {} } }, u.auth)
    expect([bad.status, bad.body.field]).toEqual([400, 'connection_info.guac'])
  })

  it('hands guacd a pasted encrypted key as plain PKCS#1 PEM, without the passphrase', async () => {
    const { p, token } = await session({
      connection_password: null,
      private_key: ENCRYPTED_RSA_KEY,
      passphrase: ENCRYPTED_RSA_PASSPHRASE,
    })
    const settings = (await p.connect(await token())).body.settings
    expect(settings['private-key']).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----\n$/)
    expect(settings['private-key']).not.toContain('ENCRYPTED')
    expect(settings).not.toHaveProperty('passphrase')
    expect(settings).not.toHaveProperty('password')
  })

  it('PROMPT_USER: names what the browser must answer, and sends no credentials', async () => {
    const { p, token } = await session({
      connection_type: 'RDP',
      port: 3389,
      connection_credential_type: 'PROMPT_USER',
      connection_username: null,
      connection_password: null,
    })
    const body = (await p.connect(await token())).body
    expect([body.protocol, body.prompt]).toEqual(['rdp', ['username', 'password', 'domain']])
    expect(body.settings).not.toHaveProperty('username')
    expect(body.settings).not.toHaveProperty('password')
  })

  it('use_user_private_key: the user’s own key pair, the public half in their attributes', async () => {
    const { p, u, token } = await session({ connection_password: null, use_user_private_key: true })
    const attrs = await t.api('get_attributes', { target_user: { user_id: u.user.id } }, u.auth)
    expect(attrs.body.user_attributes.ssh_public_key).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ /)
    const first = (await p.connect(await token())).body.settings
    expect(first['private-key']).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/)
    expect(first.username).toBe('ops')
    expect((await p.connect(await token())).body.settings['private-key']).toBe(first['private-key'])
  })

  it('SSO_USERNAME: the user’s own sign-in password under the SSO domain rule, only while that sign-in lives', async () => {
    const fields = { connection_credential_type: 'SSO_USERNAME', connection_username: null, connection_password: null }
    const p = await proxy()
    const s = await server({ ...fields, sso_username_domain: 'acme.local\\' })
    const ws = await workspace({ server_id: s.server_id })
    const { user, auth } = await ws.user()
    // Signed in without a password (a token made for the test, as a session link would): refused at launch.
    const refused = await launch(ws.imageId, auth)
    expect([refused.status, refused.body.error_message]).toEqual([
      409,
      expect.stringMatching(/signs in with your own password \(SSO_USERNAME\)/),
    ])
    const login = await t.api('login', { username: user.username, password: TEST_PASSWORD })
    const signedIn = { token: login.body.token as string }
    const res = await launch(ws.imageId, signedIn)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const tok = () =>
      signTestEdgeToken(
        'connect',
        { sub: user.id, kasm_id: dashed(res.body.kasm_id), dlp: ALL, view_only: false, jti: crypto.randomUUID() },
        p.id,
        t.clock.now(),
      )
    const settings = (await p.connect(await tok())).body.settings
    expect(settings).toMatchObject({ username: `acme.local\\${user.username.split('@')[0]}`, password: TEST_PASSWORD })
    const stored = (await t.db.execute(`select sign_in_secret_enc from auth_sessions where user_id = '${user.id}'`)) as unknown as {
      rows: { sign_in_secret_enc: string | null }[]
    }
    expect(stored.rows.some((r) => r.sign_in_secret_enc?.startsWith('v1:'))).toBe(true)
    expect(JSON.stringify(stored.rows)).not.toContain(TEST_PASSWORD)
    await t.api('logout', {}, signedIn)
    const after = await p.connect(await tok())
    expect([after.status, after.body.error_message]).toEqual([409, expect.stringMatching(/sign in again/)])
  })
})
