// Fixed-server sessions as a user meets them, in real Chromium against the real edge, a conn-proxy daemon,
// guacd and real targets: sign in, click the workspace, see the remote screen's pixels in the canvas,
// type into it and see what the typing did on the server, delete the session. SSH with each credential
// kind the issue names (a non-ASCII password, an OpenSSH key and a PEM key, each with a passphrase, the
// user's own key read from their settings page), VNC (Xvnc with an xterm on it), and KasmVNC (a stand-in:
// websockify over TLS with basic auth, see tests/support/targets.ts). Then DLP as the panel and the wire show it.
// One file, over 300 lines, because every case shares one platform (guacd, sshd, two Xvnc, the stand-in, a proxy).
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startConnProxyProcess, type ConnProxyProcess } from '../../support/conn-proxy-process'
import { startGuacd, type Guacd } from '../../support/guacd'
import { startEdge, type Edge } from '../../support/platform'
import {
  ensureUser,
  startKasmvncStandIn,
  startSshd,
  startXrdp,
  startXterm,
  startXvnc,
  type KasmvncTarget,
  type SshTarget,
  type VncTarget,
  type XrdpTarget,
} from '../../support/targets'
import { SHOTS, signIn, useBrowser } from './browser'

const PASSWORD_USER = { name: 'orielpw', password: 'Sérvér-Pässwörd-ü1' }
// Key-only: its password is random and never told to anyone.
const KEY_USER = { name: 'orielkey', password: `unused-${randomUUID()}` }
const VNC_PASSWORD = 'vncpass2'
const RDP_USER = { name: 'orielrdp', password: 'Rdp-Pass-1' }
const KASMVNC_LOGIN = { username: 'kasm_user', password: 'Kasm-Basic-1' }

const edge = {} as Edge
let guacd: Guacd
let ssh: SshTarget
let vnc: VncTarget
let kvnc: VncTarget
let kasmvnc: KasmvncTarget
let rdp: XrdpTarget
const xterms: (() => void)[] = []
let proxy: ConnProxyProcess
let user: { username: string; password: string; userId: string; token: string }
let group: string
const keys = mkdtempSync(join(tmpdir(), 'oriel-keys-'))
const browser = useBrowser()
const images = new Map<string, string>()

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

async function serverWorkspace(name: string, server: Record<string, unknown>) {
  const a = edge.adminToken
  const s = await edge.api('create_server', { target_server: { name, zone_name: 'default', max_simultaneous_sessions: 10, ...server } }, a)
  expect(s.status, JSON.stringify(s.body)).toBe(200)
  const image = await edge.api(
    'create_image',
    { target_image: { friendly_name: name, image_type: 'Server', server_id: s.body.server.server_id } },
    a,
  )
  expect(image.status, JSON.stringify(image.body)).toBe(200)
  await edge.api('add_images_group', { target_group: { group_id: group }, target_image: { image_id: image.body.image.image_id } }, a)
  images.set(name, image.body.image.image_id)
}

const sshServer = (fields: Record<string, unknown>) => ({ connection_type: 'SSH', ip_hostname: ssh.host, port: ssh.port, ...fields })

beforeAll(async () => {
  ensureUser(KEY_USER.name, KEY_USER.password)
  ensureUser(RDP_USER.name, RDP_USER.password)
  rdp = await startXrdp(RDP_USER.name)
  const [e, ...rest] = await Promise.all([startEdge(), startGuacd(), startSshd([PASSWORD_USER, KEY_USER]), startXvnc(VNC_PASSWORD)])
  ;[guacd, ssh, vnc] = rest
  Object.assign(edge, e)
  kvnc = await startXvnc(null)
  kasmvnc = await startKasmvncStandIn(kvnc, KASMVNC_LOGIN)
  xterms.push(startXterm(vnc.display), startXterm(kvnc.display))
  proxy = await startConnProxyProcess(edge, { guacdPort: guacd.port, name: 'dashboard-proxy', env: { NODE_EXTRA_CA_CERTS: kasmvnc.ca } })
  const a = edge.adminToken
  group = (await edge.api('create_group', { target_group: { name: 'server users', priority: 40 } }, a)).body.group.group_id
  await edge.api(
    'update_settings_group',
    { target_group: { group_id: group }, target_setting: { name: 'max_kasms_per_user', value: 0 } },
    a,
  )
  const username = `dash-${randomUUID().slice(0, 8)}@example.com`
  const made = await edge.api('create_user', { target_user: { username, password: 'dash-user-password' } }, a)
  await edge.api('add_user_group', { target_user: { user_id: made.body.user.user_id }, target_group: { group_id: group } }, a)
  const token = (await edge.api('login', { username, password: 'dash-user-password' })).body.token
  user = { username, password: 'dash-user-password', userId: made.body.user.user_id, token }

  const credentials = { connection_credential_type: 'STATIC' }
  await serverWorkspace(
    'SSH password',
    sshServer({ ...credentials, connection_username: PASSWORD_USER.name, connection_password: PASSWORD_USER.password }),
  )
  await serverWorkspace(
    'SSH OpenSSH key',
    sshServer({
      ...credentials,
      connection_username: KEY_USER.name,
      private_key: keyPair('openssh', 'openssh', 'ossh-pass-1'),
      passphrase: 'ossh-pass-1',
    }),
  )
  await serverWorkspace(
    'SSH PEM key',
    sshServer({
      ...credentials,
      connection_username: KEY_USER.name,
      private_key: keyPair('pem', 'PEM', 'pem-pass-1'),
      passphrase: 'pem-pass-1',
    }),
  )
  await serverWorkspace('SSH my key', sshServer({ ...credentials, connection_username: KEY_USER.name, use_user_private_key: true }))
  await serverWorkspace('VNC desktop', {
    ...credentials,
    connection_type: 'VNC',
    ip_hostname: vnc.host,
    port: vnc.port,
    connection_username: 'vnc',
    connection_password: VNC_PASSWORD,
  })
  // xrdp's certificate is its own snakeoil one, and its RDP security layer fails with FreeRDP (guacd-ci.md G9).
  await serverWorkspace('RDP asks', {
    connection_type: 'RDP',
    connection_credential_type: 'PROMPT_USER',
    ip_hostname: rdp.host,
    port: rdp.port,
    connection_info: JSON.stringify({ guac: { type: 'rdp', settings: { security: 'any', 'ignore-cert': true } } }),
  })
  await serverWorkspace('KasmVNC desktop', {
    ...credentials,
    connection_type: 'KasmVNC',
    ip_hostname: kasmvnc.host,
    port: kasmvnc.port,
    connection_username: KASMVNC_LOGIN.username,
    connection_password: KASMVNC_LOGIN.password,
  })
}, 900_000)

afterAll(async () => {
  await proxy?.stop()
  for (const stop of xterms) stop()
  await ssh?.stop()
  await kasmvnc?.stop()
  await rdp?.stop()
  await kvnc?.stop()
  await vnc?.stop()
  guacd?.stop()
  await edge.close?.()
  rmSync(keys, { recursive: true, force: true })
})

/** The display's layers as guacamole-common-js draws them: distinct colours (4 bits a channel) and a checksum. */
const screen = (page: Page, canvases = '.guac-display canvas') =>
  page.evaluate((canvases) => {
    const seen = new Set<number>()
    let sum = 0
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>(canvases)) {
      if (canvas.width === 0 || canvas.height === 0) continue
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      for (let i = 0; i < data.length; i += 4) {
        seen.add(((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4))
        sum = (sum * 31 + data[i]! + data[i + 1]! * 7 + data[i + 2]! * 13) % 2_147_483_647
      }
    }
    return { colours: seen.size, sum }
  }, canvases)

/** From the workspaces page, clicks the workspace's tile and waits for the remote screen's pixels. */
async function open(page: Page, workspace: string) {
  await page.goto(edge.url)
  await page.getByRole('button', { name: `Launch ${workspace}` }).click()
  await page.locator('.screen.guac[data-connected="yes"]').waitFor({ timeout: 60_000 })
  await expect.poll(async () => (await screen(page)).colours, { timeout: 20_000 }).toBeGreaterThan(1)
}

/** Types a command that leaves a file on the server (the tests run there as root), and sees the screen change. */
async function typeAndSee(page: Page, shot: string, display = { canvases: '.guac-display canvas', focus: '.guac-display' }) {
  await page.waitForTimeout(1_000)
  const before = await screen(page, display.canvases)
  const file = `/tmp/oriel-dash-${randomUUID()}`
  await page.locator(display.focus).focus()
  await page.keyboard.type(`touch ${file}`)
  await page.keyboard.press('Enter')
  await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true)
  await expect.poll(async () => (await screen(page, display.canvases)).sum, { timeout: 10_000 }).not.toBe(before.sum)
  await page.screenshot({ path: join(SHOTS, `${shot}.png`) })
  rmSync(file)
}

/** Delete session: back to the workspaces, and the edge has no session left for the user. */
async function deleteSession(page: Page) {
  await page.getByRole('button', { name: 'Delete session' }).click()
  await page.getByRole('button', { name: 'Launch VNC desktop' }).waitFor()
  const mine = async () =>
    ((await edge.api('get_kasms', {}, edge.adminToken)).body.kasms as { user_id: string }[]).filter((k) => k.user_id === user.userId)
  await expect.poll(async () => (await mine()).length, { timeout: 15_000 }).toBe(0)
}

// A case that fails part way must not leave its session to fail the next one's "no session left" check.
afterEach(async () => {
  const left = ((await edge.api('get_kasms', {}, edge.adminToken)).body.kasms ?? []) as { kasm_id: string }[]
  for (const k of left) await edge.api('destroy_kasm', { kasm_id: k.kasm_id }, edge.adminToken)
})

describe('server sessions in the dashboard', () => {
  let page: Page
  beforeAll(async () => {
    page = await browser.context.newPage()
    await signIn(page, edge, user.username, user.password)
    await page.getByRole('button', { name: 'Launch VNC desktop' }).waitFor()
  }, 120_000)

  for (const [workspace, account, method] of [
    ['SSH password', PASSWORD_USER.name, 'password'],
    ['SSH OpenSSH key', KEY_USER.name, 'publickey'],
    ['SSH PEM key', KEY_USER.name, 'publickey'],
  ] as const) {
    it(`${workspace}: signs in to sshd by ${method}, shows the terminal, runs what is typed, deletes`, async () => {
      const accepted = ssh.log().split(`Accepted ${method} for ${account}`).length
      await open(page, workspace)
      // More than one when guacd also opens its SFTP channel (uploads or downloads allowed).
      expect(ssh.log().split(`Accepted ${method} for ${account}`).length).toBeGreaterThan(accepted)
      await typeAndSee(page, `server-${workspace.replaceAll(' ', '-').toLowerCase()}`)
      await deleteSession(page)
    }, 120_000)
  }

  it('SSH my key: the public key from the settings page logs the user in with their own key pair', async () => {
    await page.getByRole('link', { name: user.username }).click()
    const field = page.getByLabel('SSH public key')
    await expect.poll(() => field.inputValue(), { timeout: 10_000 }).toMatch(/^ssh-rsa /)
    authorize(await field.inputValue())
    await page.getByRole('link', { name: 'Oriel' }).click()
    const accepted = ssh.log().split(`Accepted publickey for ${KEY_USER.name}`).length
    await open(page, 'SSH my key')
    expect(ssh.log().split(`Accepted publickey for ${KEY_USER.name}`).length).toBeGreaterThan(accepted)
    await typeAndSee(page, 'server-ssh-my-key')
    await deleteSession(page)
  }, 120_000)

  it('VNC: shows the X desktop with its xterm, types into it, deletes', async () => {
    await open(page, 'VNC desktop')
    // The xterm sits at the top left; X gives the keyboard to the window under the pointer.
    const box = (await page.locator('.guac-display').boundingBox())!
    await page.mouse.move(box.x + 60, box.y + 40)
    await page.mouse.click(box.x + 60, box.y + 40)
    await typeAndSee(page, 'server-vnc')
    await deleteSession(page)
  }, 120_000)

  it('RDP with PROMPT_USER: the dashboard asks for the login, xrdp takes it, the session’s xterm takes typing', async () => {
    await page.goto(edge.url)
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
    await deleteSession(page)
  }, 180_000)

  it('KasmVNC: the proxy relays the server’s own WebSocket with its basic-auth login; the desktop shows and takes typing', async () => {
    await page.goto(edge.url)
    await page.getByRole('button', { name: 'Launch KasmVNC desktop' }).click()
    await page
      .locator('.screen[data-connected="yes"] canvas')
      .waitFor({ timeout: 30_000 })
      .catch(async (e) => {
        await page.screenshot({ path: join(SHOTS, 'server-kasmvnc-failed.png') })
        throw new Error(`${e.message}\nproxy: ${proxy.stderr()}`)
      })
    await expect.poll(async () => (await screen(page, '.screen canvas')).colours, { timeout: 20_000 }).toBeGreaterThan(1)
    const box = (await page.locator('.screen canvas').boundingBox())!
    await page.mouse.move(box.x + 60, box.y + 40)
    await page.mouse.click(box.x + 60, box.y + 40)
    await typeAndSee(page, 'server-kasmvnc', { canvases: '.screen canvas', focus: '.screen canvas' })
    await deleteSession(page)
  }, 120_000)
})

describe('DLP in the dashboard, on an SSH server', () => {
  /** Prints a row at the top of the terminal and selects it with a left-button drag: guacd copies a selection. */
  async function selectTopRow(page: Page) {
    await page.locator('.guac-display').focus()
    await page.keyboard.type('clear; echo COPY-ME-ROW')
    await page.keyboard.press('Enter')
    await page.waitForTimeout(1_000)
    const box = (await page.locator('.guac-display').boundingBox())!
    await page.mouse.move(box.x + 2, box.y + 8)
    await page.mouse.down()
    await page.mouse.move(box.x + 240, box.y + 8, { steps: 5 })
    await page.mouse.up()
  }
  const middleClick = async (page: Page) => {
    const box = (await page.locator('.guac-display').boundingBox())!
    await page.mouse.click(box.x + 40, box.y + 200, { button: 'middle' })
  }
  /** Output piped to the browser by guacd's OSC 482202 escape: a `pipe` stream named OUT that disable-copy does not stop. */
  async function pipeOut(page: Page) {
    await page.locator('.guac-display').focus()
    await page.keyboard.type(`printf '\\033]482202;OUT\\007'; echo piped-by-osc`)
    await page.keyboard.press('Enter')
  }
  /** A file in the login's home, asked for the way guacctl --download asks: guacd's OSC 482200 in the terminal. */
  async function askDownload(page: Page) {
    const name = `oriel-download-${randomUUID().slice(0, 8)}.txt`
    const path = `/home/${PASSWORD_USER.name}/${name}`
    writeFileSync(path, 'ünïcode from the server')
    await page.locator('.guac-display').focus()
    await page.keyboard.type(`printf '\\033]482200;${path}\\007'`)
    await page.keyboard.press('Enter')
    return { name, path }
  }

  it('allowed: the remote selection reaches the panel, the panel’s text pastes into the terminal, a file uploads over SFTP and one downloads, an OSC pipe reaches the page', async () => {
    const page = await browser.context.newPage()
    const received: string[] = []
    page.on('websocket', (ws) => ws.on('framereceived', (f) => void received.push(String(f.payload))))
    await signIn(page, edge, user.username, user.password)
    await page.getByRole('button', { name: 'Launch SSH password' }).waitFor()
    await open(page, 'SSH password')
    await selectTopRow(page)
    await expect.poll(() => page.getByLabel('Clipboard from the session').inputValue(), { timeout: 10_000 }).toContain('COPY-ME-ROW')

    const pasted = `/tmp/oriel-dash-paste-${randomUUID()}`
    await page.getByLabel('Clipboard to the session').fill(`touch ${pasted}\n`)
    await page.getByRole('button', { name: 'Send clipboard' }).click()
    await page.waitForTimeout(300)
    await middleClick(page)
    await expect.poll(() => existsSync(pasted), { timeout: 10_000 }).toBe(true)
    rmSync(pasted)

    const name = `oriel-upload-${randomUUID().slice(0, 8)}.txt`
    await page.getByLabel('Upload files').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('über the relay') })
    await expect.poll(() => page.getByText(`Uploaded ${name}`).count(), { timeout: 15_000 }).toBe(1)
    // guacd's SFTP puts a dropped file in the login's home.
    const landed = `/home/${PASSWORD_USER.name}/${name}`
    await expect.poll(() => existsSync(landed) && readFileSync(landed, 'utf8'), { timeout: 10_000 }).toBe('über the relay')
    rmSync(landed)

    const saved = page.waitForEvent('download', { timeout: 15_000 })
    const asked = await askDownload(page)
    const download = await saved
    expect(download.suggestedFilename()).toBe(asked.name)
    expect(readFileSync((await download.path())!, 'utf8')).toBe('ünïcode from the server')
    await expect.poll(() => page.getByText(`Downloaded ${asked.name}`).count()).toBe(1)
    rmSync(asked.path)

    await pipeOut(page)
    await expect.poll(() => received.some((f) => f.includes('4.pipe,') && f.includes('3.OUT'))).toBe(true)
    await deleteSession(page)
    await page.close()
  }, 120_000)

  it('refused: no clipboard either way, no upload, no download, no OSC pipe, in the panel and on the wire', async () => {
    const a = edge.adminToken
    const locked = (await edge.api('create_group', { target_group: { name: 'locked', priority: 30 } }, a)).body.group.group_id
    for (const name of ['allow_kasm_clipboard_up', 'allow_kasm_clipboard_down', 'allow_kasm_uploads', 'allow_kasm_downloads'])
      await edge.api('update_settings_group', { target_group: { group_id: locked }, target_setting: { name, value: false } }, a)
    await edge.api('add_images_group', { target_group: { group_id: locked }, target_image: { image_id: images.get('SSH password') } }, a)
    const username = `locked-${randomUUID().slice(0, 8)}@example.com`
    const made = await edge.api('create_user', { target_user: { username, password: 'locked-user-password' } }, a)
    await edge.api('add_user_group', { target_user: { user_id: made.body.user.user_id }, target_group: { group_id: locked } }, a)

    const page = await browser.context.newPage()
    // Every Guacamole instruction the page receives, as text: nothing of a clipboard stream may arrive.
    const received: string[] = []
    page.on('websocket', (ws) => ws.on('framereceived', (f) => void received.push(String(f.payload))))
    await signIn(page, edge, username, 'locked-user-password')
    await page.getByRole('button', { name: 'Launch SSH password' }).waitFor()
    await open(page, 'SSH password')
    await expect.poll(() => page.getByText('Copying out of this session is not allowed.').count()).toBe(1)
    expect(await page.getByLabel('Clipboard from the session').count()).toBe(0)
    expect(await page.getByLabel('Clipboard to the session').count()).toBe(0)
    expect(await page.getByLabel('Upload files').count()).toBe(0)
    let downloads = 0
    page.on('download', () => void downloads++)
    await selectTopRow(page)
    const asked = await askDownload(page)
    await pipeOut(page)
    await page.waitForTimeout(2_000)
    expect(received.some((f) => f.includes('9.clipboard'))).toBe(false)
    // guacd (SFTP off) never opens the file; were it opened, the relay would refuse its stream.
    expect(received.some((f) => f.includes('4.file'))).toBe(false)
    expect(received.some((f) => f.includes('4.pipe'))).toBe(false)
    expect(downloads).toBe(0)
    rmSync(asked.path)
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch SSH password' }).waitFor()
    await page.close()
  }, 120_000)
})
