// Fixed-server sessions as a user meets them, in real Chromium against the real edge, a conn-proxy daemon,
// guacd and real targets: sign in, click the workspace, see the remote screen's pixels in the canvas,
// type into it and see what the typing did on the server, delete the session. SSH with each credential
// kind the issue names (a non-ASCII password, an OpenSSH key and a PEM key, each with a passphrase, the
// user's own key read from their settings page), VNC (Xvnc with an xterm on it), and KasmVNC (a stand-in:
// websockify over TLS with basic auth, see tests/support/targets.ts), and RDP (xrdp, the credentials asked for).
// DLP is in dashboard-server-dlp.test.ts; the shared platform in server-sessions-kit.ts.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  ensureUser,
  startKasmvncStandIn,
  startXrdp,
  startXterm,
  startXvnc,
  type KasmvncTarget,
  type VncTarget,
  type XrdpTarget,
} from '../../support/targets'
import { SHOTS, signIn, useBrowser } from './browser'
import { deleteSession, open, PASSWORD_USER, screen, typeAndSee, useServerPlatform } from './server-sessions-kit'

// Key-only: its password is random and never told to anyone.
const KEY_USER = { name: 'orielkey', password: `unused-${randomUUID()}` }
const VNC_PASSWORD = 'vncpass2'
const RDP_USER = { name: 'orielrdp', password: 'Rdp-Pass-1' }
const KASMVNC_LOGIN = { username: 'kasm_user', password: 'Kasm-Basic-1' }

let vnc: VncTarget
let kvnc: VncTarget
let kasmvnc: KasmvncTarget
let rdp: XrdpTarget
const xterms: (() => void)[] = []
const keys = mkdtempSync(join(tmpdir(), 'oriel-keys-'))
const browser = useBrowser()
const p = useServerPlatform({
  sshUsers: [KEY_USER],
  before: async () => {
    ensureUser(KEY_USER.name, KEY_USER.password)
    ensureUser(RDP_USER.name, RDP_USER.password)
    rdp = await startXrdp(RDP_USER.name)
    // One after the other: each Xvnc takes the first free display.
    vnc = await startXvnc(VNC_PASSWORD)
    kvnc = await startXvnc(null)
    kasmvnc = await startKasmvncStandIn(kvnc, KASMVNC_LOGIN)
    xterms.push(startXterm(vnc.display), startXterm(kvnc.display))
    // The proxy trusts the stand-in's own certificate, as an operator would give it a KasmVNC server's.
    return { NODE_EXTRA_CA_CERTS: kasmvnc.ca }
  },
  after: async () => {
    for (const stop of xterms) stop()
    await kasmvnc?.stop()
    await rdp?.stop()
    await kvnc?.stop()
    await vnc?.stop()
    rmSync(keys, { recursive: true, force: true })
  },
})

/** A key pair by ssh-keygen (its own OpenSSH format, or PEM), with a passphrase; the public half may log KEY_USER in. */
function keyPair(name: string, format: 'openssh' | 'PEM', passphrase: string) {
  const file = join(keys, name)
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', ...(format === 'PEM' ? ['-m', 'PEM'] : []), '-N', passphrase, '-f', file])
  expect(readFileSync(file, 'utf8')).toMatch(format === 'PEM' ? /^-----BEGIN RSA PRIVATE KEY-----/ : /^-----BEGIN OPENSSH PRIVATE KEY-----/)
  authorize(readFileSync(`${file}.pub`, 'utf8'))
  return readFileSync(file, 'utf8')
}

function authorize(publicKey: string) {
  const home = `/home/${KEY_USER.name}`
  const uid = Number(execFileSync('id', ['-u', KEY_USER.name], { encoding: 'utf8' }))
  const gid = Number(execFileSync('id', ['-g', KEY_USER.name], { encoding: 'utf8' }))
  mkdirSync(`${home}/.ssh`, { recursive: true, mode: 0o700 })
  const file = `${home}/.ssh/authorized_keys`
  writeFileSync(file, (existsSync(file) ? readFileSync(file, 'utf8') : '') + publicKey.trim() + '\n', { mode: 0o600 })
  chownSync(`${home}/.ssh`, uid, gid)
  chownSync(file, uid, gid)
}

beforeAll(async () => {
  const credentials = { connection_credential_type: 'STATIC' }
  const key = (name: string, format: 'openssh' | 'PEM', passphrase: string) => ({
    ...credentials,
    connection_username: KEY_USER.name,
    private_key: keyPair(name, format, passphrase),
    passphrase,
  })
  await p.serverWorkspace('SSH OpenSSH key', p.sshServer(key('openssh', 'openssh', 'ossh-pass-1')))
  await p.serverWorkspace('SSH PEM key', p.sshServer(key('pem', 'PEM', 'pem-pass-1')))
  await p.serverWorkspace('SSH my key', p.sshServer({ ...credentials, connection_username: KEY_USER.name, use_user_private_key: true }))
  await p.serverWorkspace('VNC desktop', {
    ...credentials,
    connection_type: 'VNC',
    ip_hostname: vnc.host,
    port: vnc.port,
    connection_username: 'vnc',
    connection_password: VNC_PASSWORD,
  })
  // xrdp's certificate is its own snakeoil one, and its RDP security layer fails with FreeRDP (guacd-ci.md G9).
  await p.serverWorkspace('RDP asks', {
    connection_type: 'RDP',
    connection_credential_type: 'PROMPT_USER',
    ip_hostname: rdp.host,
    port: rdp.port,
    connection_info: JSON.stringify({ guac: { type: 'rdp', settings: { security: 'any', 'ignore-cert': true } } }),
  })
  await p.serverWorkspace('KasmVNC desktop', {
    ...credentials,
    connection_type: 'KasmVNC',
    ip_hostname: kasmvnc.host,
    port: kasmvnc.port,
    connection_username: KASMVNC_LOGIN.username,
    connection_password: KASMVNC_LOGIN.password,
  })
}, 300_000)

describe('server sessions in the dashboard', () => {
  let page: Page
  beforeAll(async () => {
    page = await browser.context.newPage()
    await signIn(page, p.edge, p.user.username, p.user.password)
    await page.getByRole('button', { name: 'Launch VNC desktop' }).waitFor()
  }, 120_000)

  for (const [workspace, account, method] of [
    ['SSH password', PASSWORD_USER.name, 'password'],
    ['SSH OpenSSH key', KEY_USER.name, 'publickey'],
    ['SSH PEM key', KEY_USER.name, 'publickey'],
  ] as const) {
    it(`${workspace}: signs in to sshd by ${method}, shows the terminal, runs what is typed, deletes`, async () => {
      const accepted = p.ssh.log().split(`Accepted ${method} for ${account}`).length
      await open(p, page, workspace)
      // More than one when guacd also opens its SFTP channel (uploads or downloads allowed).
      expect(p.ssh.log().split(`Accepted ${method} for ${account}`).length).toBeGreaterThan(accepted)
      await typeAndSee(page, `server-${workspace.replaceAll(' ', '-').toLowerCase()}`)
      await deleteSession(p, page)
    }, 120_000)
  }

  it('SSH my key: the public key from the settings page logs the user in with their own key pair', async () => {
    await page.getByRole('link', { name: p.user.username }).click()
    const field = page.getByLabel('SSH public key')
    await expect.poll(() => field.inputValue(), { timeout: 10_000 }).toMatch(/^ssh-rsa /)
    authorize(await field.inputValue())
    await page.getByRole('link', { name: 'Oriel' }).click()
    const accepted = p.ssh.log().split(`Accepted publickey for ${KEY_USER.name}`).length
    await open(p, page, 'SSH my key')
    expect(p.ssh.log().split(`Accepted publickey for ${KEY_USER.name}`).length).toBeGreaterThan(accepted)
    await typeAndSee(page, 'server-ssh-my-key')
    await deleteSession(p, page)
  }, 120_000)

  it('VNC: shows the X desktop with its xterm, types into it, deletes', async () => {
    await open(p, page, 'VNC desktop')
    // The xterm sits at the top left; X gives the keyboard to the window under the pointer.
    const box = (await page.locator('.guac-display').boundingBox())!
    await page.mouse.move(box.x + 60, box.y + 40)
    await page.mouse.click(box.x + 60, box.y + 40)
    await typeAndSee(page, 'server-vnc')
    await deleteSession(p, page)
  }, 120_000)

  it('RDP with PROMPT_USER: the dashboard asks for the login, xrdp takes it, the session’s xterm takes typing', async () => {
    await page.goto(p.edge.url)
    await page.getByRole('button', { name: 'Launch RDP asks' }).click()
    const form = page.getByRole('form', { name: 'Sign in to the server' })
    await form.waitFor({ timeout: 30_000 })
    await form.getByLabel('Username').fill(RDP_USER.name)
    await form.getByLabel('Password').fill(RDP_USER.password)
    await form.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.screen.guac[data-connected="yes"]').waitFor({ timeout: 30_000 })
    // xrdp draws its own login screen whatever the credentials: its session manager's log is the proof (G9).
    await expect.poll(() => rdp.log(), { timeout: 20_000 }).toContain(`login successful for user ${RDP_USER.name}`)
    await expect.poll(async () => (await screen(page)).colours, { timeout: 20_000 }).toBeGreaterThan(1)
    // The session's xterm appears some seconds after the login on a busy machine, at the top left, and without a
    // window manager only the pointer gives it the keyboard: point at it and type until the command has run.
    const box = (await page.locator('.guac-display').boundingBox())!
    const before = await screen(page)
    const file = `/tmp/oriel-dash-${randomUUID()}`
    for (let attempt = 0; attempt < 8 && !existsSync(file); attempt++) {
      await page.mouse.move(box.x + 60, box.y + 40)
      await page.mouse.click(box.x + 60, box.y + 40)
      await page.keyboard.type(`touch ${file}`)
      await page.keyboard.press('Enter')
      await expect
        .poll(() => existsSync(file), { timeout: 5_000 })
        .toBe(true)
        .catch(() => {})
    }
    expect(existsSync(file)).toBe(true)
    expect((await screen(page)).sum).not.toBe(before.sum)
    await page.screenshot({ path: join(SHOTS, 'server-rdp.png') })
    rmSync(file)
    await deleteSession(p, page)
  }, 180_000)

  it('KasmVNC: the proxy relays the server’s own WebSocket with its basic-auth login; the desktop shows and takes typing', async () => {
    await page.goto(p.edge.url)
    await page.getByRole('button', { name: 'Launch KasmVNC desktop' }).click()
    await page
      .locator('.screen[data-connected="yes"] canvas')
      .waitFor({ timeout: 30_000 })
      .catch(async (e) => {
        await page.screenshot({ path: join(SHOTS, 'server-kasmvnc-failed.png') })
        throw new Error(`${e.message}\nproxy: ${p.proxy.stderr()}`)
      })
    await expect.poll(async () => (await screen(page, '.screen canvas')).colours, { timeout: 20_000 }).toBeGreaterThan(1)
    const box = (await page.locator('.screen canvas').boundingBox())!
    await page.mouse.move(box.x + 60, box.y + 40)
    await page.mouse.click(box.x + 60, box.y + 40)
    await typeAndSee(page, 'server-kasmvnc', { canvases: '.screen canvas', focus: '.screen canvas' })
    await deleteSession(p, page)
  }, 120_000)
})
