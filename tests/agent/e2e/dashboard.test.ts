// The dashboard in real Chromium (Debian's, driven by playwright-core) against the real platform:
// sign in, launch from the grid, see the desktop's pixels, DLP reflected, delete the session.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launcherUser, useAgentPlatform, waitFor } from './platform'

const SHOTS = join(import.meta.dirname, '../../../test-artifacts/dashboard')
const { edge, agent } = useAgentPlatform('d')
let browser: BrowserContext

beforeAll(async () => {
  if (!existsSync(join(import.meta.dirname, '../../../dist/dashboard/index.html'))) execFileSync('npm', ['run', 'build:dashboard'], { stdio: 'pipe' })
  mkdirSync(SHOTS, { recursive: true })
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'oriel-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}, 900_000)
afterAll(async () => browser?.close())

async function signIn(page: Page, username: string, password: string) {
  await page.goto(edge.url)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Distinct colours (4 bits a channel) on the noVNC canvas: a blank screen has one. */
const canvasColours = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.screen canvas')
    if (!canvas || canvas.width === 0) return 0
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    const seen = new Set<number>()
    for (let i = 0; i < data.length; i += 16) seen.add(((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4))
    return seen.size
  })

describe('the dashboard', () => {
  it('explains a failed sign-in', async () => {
    const page = await browser.newPage()
    await signIn(page, 'nobody@example.com', 'wrong-password')
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Invalid username or password')
    await page.close()
  })

  it('signs in, launches the desktop, shows its pixels, hides clipboard-out, and deletes the session', async () => {
    const user = await launcherUser(edge, { allow_kasm_clipboard_down: false })
    const page = await browser.newPage()
    await signIn(page, user.username, user.password)
    const tile = page.getByRole('button', { name: 'Launch Debian Desktop' })
    await tile.waitFor()
    await page.screenshot({ path: join(SHOTS, 'launcher.png') })
    await tile.click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    await expect.poll(() => canvasColours(page), { timeout: 20_000 }).toBeGreaterThan(2)
    await page.screenshot({ path: join(SHOTS, 'session.png') })
    expect(await page.getByLabel('Clipboard from the session').count()).toBe(0)
    await expect.poll(() => page.getByLabel('Clipboard to the session').isVisible()).toBe(true)
    await expect.poll(() => page.getByRole('button', { name: 'Delete session' }).isVisible()).toBe(true)
    const kasmId = page.url().split('/').pop()!
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).waitFor()
    await waitFor(async () => (await edge.api('get_kasm_status', { kasm_id: kasmId }, user.token)).status === 404, 30_000, 'the session to end')
    await waitFor(async () => (await agent.docker.listManaged(agent.agentId)).every((c) => c.kasmId.replaceAll('-', '') !== kasmId), 30_000, 'the container to go')
    await page.close()
  }, 180_000)

  it('the deep link from request_kasm opens the session in a fresh browser, without a sign-in', async () => {
    const user = await launcherUser(edge, {})
    const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const fresh = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'oriel-chromium-')), {
      executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    try {
      const page = await fresh.newPage()
      await page.goto(`${edge.url}/${req.body.kasm_url}`)
      await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
      await expect.poll(() => canvasColours(page), { timeout: 20_000 }).toBeGreaterThan(2)
      expect(page.url()).toContain(`#/session/${req.body.kasm_id}`)
      await page.screenshot({ path: join(SHOTS, 'deep-link.png') })
      await page.getByRole('link', { name: 'Oriel' }).click()
      await expect.poll(() => page.getByRole('region', { name: 'Your sessions' }).textContent()).toContain('Debian Desktop')
    } finally {
      await fresh.close()
    }
    await edge.api('destroy_kasm', { kasm_id: req.body.kasm_id }, user.token)
  }, 180_000)

  it('uploads a file into the session when allowed, and offers no upload or download when not', async () => {
    const allowed = await launcherUser(edge, {})
    const page = await browser.newPage()
    await signIn(page, allowed.username, allowed.password)
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    await page.getByLabel('Upload files').setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('from the browser') })
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Uploaded report.txt to Uploads')
    const kasmId = page.url().split('/').pop()!
    const read = await edge.api('exec_command_kasm', { kasm_id: kasmId, exec_config: { cmd: 'cat ~/Uploads/report.txt' } }, allowed.token)
    expect(read.body.output).toBe('from the browser')
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()

    const denied = await launcherUser(edge, { allow_kasm_uploads: false, allow_kasm_downloads: false })
    await signIn(page, denied.username, denied.password)
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.getByRole('button', { name: 'Delete session' }).isVisible()).toBe(true)
    expect(await page.getByLabel('Upload files').count()).toBe(0)
    expect(await page.getByLabel('File to download').count()).toBe(0)
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.close()
  }, 180_000)
})


describe('the admin flow', () => {
  it('admin creates a user and a group, permits the desktop, turns clipboard-down off; the user launches and cannot copy out', async () => {
    await launcherUser(edge, {}) // makes sure the reference workspace exists
    const page = await browser.newPage()
    await signIn(page, 'admin@kasm.local', 'e2e-admin-password')
    const suffix = crypto.randomUUID().slice(0, 6)
    const username = `pat-${suffix}@example.com`
    await page.getByRole('link', { name: 'Users' }).click()
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill('pat-password-1')
    await page.getByRole('button', { name: 'Create user' }).click()
    await page.getByRole('cell', { name: username }).waitFor()
    await page.screenshot({ path: join(SHOTS, 'admin-users.png') })
    await page.getByRole('link', { name: 'Groups' }).click()
    await page.getByLabel('Name').fill(`No copy out ${suffix}`)
    await page.getByLabel('Priority').fill(String(200 + Math.floor(Math.random() * 50_000)))
    await page.getByRole('button', { name: 'Create group' }).click()
    await page.getByRole('link', { name: `No copy out ${suffix}` }).click()
    await page.getByLabel('Add member').selectOption({ label: username })
    await page.getByRole('button', { name: 'Add member' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`Added ${username}`)
    await page.getByLabel('Permit workspace').selectOption({ label: 'Debian Desktop' })
    await page.getByRole('button', { name: 'Permit workspace' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Permitted Debian Desktop')
    await page.getByRole('heading', { name: `Group: No copy out ${suffix}` }).waitFor()
    await page.getByRole('checkbox', { name: 'images_view' }).check()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Granted images_view')
    await page.getByRole('checkbox', { name: 'images_view' }).uncheck()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Withdrew images_view')
    await page.getByLabel('allow_kasm_clipboard_down', { exact: true }).selectOption('false')
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved allow_kasm_clipboard_down')
    await page.screenshot({ path: join(SHOTS, 'admin-group.png'), fullPage: true })
    await page.getByRole('button', { name: 'Sign out' }).click()

    await signIn(page, username, 'pat-password-1')
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    await expect.poll(() => canvasColours(page), { timeout: 20_000 }).toBeGreaterThan(2)
    await expect.poll(() => page.getByText('Copying out of this session is not allowed.').isVisible()).toBe(true)
    expect(await page.getByLabel('Clipboard from the session').count()).toBe(0)
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).waitFor()
    await page.close()
  }, 180_000)

  it('when copying out is allowed, text copied inside the session reaches the panel', async () => {
    const user = await launcherUser(edge, {})
    const page = await browser.newPage()
    await signIn(page, user.username, user.password)
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    const kasmId = page.url().split('/').pop()!
    // xclip keeps owning the selection in the background, as an application that copied would.
    await edge.api('exec_command_kasm', { kasm_id: kasmId, exec_config: { cmd: 'printf copied-inside | DISPLAY=:1 xclip -selection clipboard -i >/dev/null 2>&1 &' } }, user.token)
    await expect.poll(() => page.getByLabel('Clipboard from the session').inputValue(), { timeout: 15_000 }).toBe('copied-inside')
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.close()
  }, 180_000)
})

describe('admin pages', () => {
  it('workspaces: the Docker Run Config is checked as you type; agents drain; sessions can be destroyed', async () => {
    const user = await launcherUser(edge, {})
    const running = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const page = await browser.newPage()
    await signIn(page, 'admin@kasm.local', 'e2e-admin-password')

    await page.getByRole('link', { name: 'Workspaces' }).click()
    const name = `Tools ${crypto.randomUUID().slice(0, 6)}`
    await page.getByLabel('Friendly name').fill(name)
    await page.getByLabel('Docker image').fill('oriel/desktop:1.0')
    await page.getByLabel('Docker Run Config (JSON)').fill('{"network_mode": "host"}')
    await expect.poll(() => page.locator('form .error').allTextContents()).toContain('network_mode: is required or invalid')
    expect(await page.getByRole('button', { name: 'Create workspace' }).isDisabled()).toBe(true)
    await page.getByLabel('Docker Run Config (JSON)').fill('{"cap_add": ["NET_ADMIN"],')
    await expect.poll(() => page.locator('form .error').first().textContent()).toMatch(/is not valid JSON/)
    await page.getByLabel('Docker Run Config (JSON)').fill('{"cap_add": ["NET_ADMIN"], "shm_size": "1g"}')
    await page.getByRole('button', { name: 'Create workspace' }).click()
    await page.getByRole('cell', { name }).waitFor()
    const saved = (await edge.api('get_images', {}, edge.adminToken)).body.images.find((i: { friendly_name: string }) => i.friendly_name === name)
    expect(saved.run_config).toEqual({ cap_add: ['NET_ADMIN'], shm_size: '1g' })
    await page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name: 'Edit' }).click()
    await page.getByLabel('GPUs').fill('x')
    await expect.poll(() => page.locator('form .error').allTextContents()).not.toEqual([])
    expect(await page.getByRole('button', { name: 'Save workspace' }).isDisabled()).toBe(true)
    await page.getByLabel('GPUs').fill('0')
    await page.getByLabel('Only agents with labels (comma-separated)').fill('ssd, eu')
    await page.getByLabel('Zone').selectOption({ label: 'default' })
    await page.getByRole('button', { name: 'Save workspace' }).click()
    await expect.poll(async () => {
      const now = (await edge.api('get_images', {}, edge.adminToken)).body.images.find((i: { friendly_name: string }) => i.friendly_name === name)
      return [now.include_labels, now.restrict_to_zone, now.zone_id !== null, now.run_config]
    }).toEqual([['ssd', 'eu'], true, true, { cap_add: ['NET_ADMIN'], shm_size: '1g' }])
    await page.screenshot({ path: join(SHOTS, 'admin-workspaces.png'), fullPage: true })

    await page.getByRole('link', { name: 'Agents' }).click()
    await page.getByRole('button', { name: 'Drain' }).first().click()
    await page.getByRole('cell', { name: 'online, draining' }).waitFor()
    await page.screenshot({ path: join(SHOTS, 'admin-agents.png') })
    await page.getByRole('button', { name: 'Stop draining' }).first().click()
    await page.getByRole('cell', { name: 'online', exact: true }).waitFor()

    await page.getByRole('link', { name: 'Sessions' }).click()
    await page.getByLabel('Filter sessions').fill(user.username)
    await page.getByRole('cell', { name: user.username }).waitFor()
    await page.screenshot({ path: join(SHOTS, 'admin-sessions.png') })
    await page.getByRole('button', { name: 'Destroy' }).click()
    await waitFor(async () => (await edge.api('get_kasm_status', { kasm_id: running.body.kasm_id }, user.token)).status === 404, 30_000, 'the session to end')
    await page.close()
  }, 180_000)
})

describe('zones and API keys', () => {
  it('makes a zone and a registration token; creates an API key whose secret is shown once and works with the granted permission', async () => {
    const page = await browser.newPage()
    await signIn(page, 'admin@kasm.local', 'e2e-admin-password')
    await page.getByRole('link', { name: 'Zones' }).click()
    const zone = `zone-${crypto.randomUUID().slice(0, 6)}`
    await page.getByLabel('Zone name').fill(zone)
    await page.getByRole('button', { name: 'Create zone' }).click()
    await page.getByRole('cell', { name: zone, exact: true }).waitFor()
    await page.getByRole('row', { name: new RegExp(zone) }).getByRole('button', { name: 'New registration token' }).click()
    const token = await page.getByRole('status').locator('code').last().textContent()
    expect(token).toMatch(/^[A-Za-z0-9]{40}$/)
    await page.screenshot({ path: join(SHOTS, 'admin-zones.png'), fullPage: true })

    await page.getByRole('link', { name: 'API keys' }).click()
    await page.getByLabel('Key name').fill('reporting')
    await page.getByRole('button', { name: 'Create API key' }).click()
    const codes = page.getByRole('status').locator('code')
    await codes.nth(1).waitFor()
    const [key, secret] = [await codes.nth(0).textContent(), await codes.nth(1).textContent()]
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/)
    const call = () => fetch(`${edge.url}/api/public/get_users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ api_key: key, api_key_secret: secret }) })
    expect((await call()).status).toBe(403)
    const row = page.getByRole('row', { name: /reporting/ })
    await row.locator('summary').click()
    await row.getByRole('checkbox', { name: 'users_view' }).check()
    await expect.poll(async () => (await call()).status).toBe(200)
    await page.reload()
    await page.getByRole('row', { name: /reporting/ }).waitFor()
    expect(await page.content()).not.toContain(secret!)
    await page.screenshot({ path: join(SHOTS, 'admin-api-keys.png'), fullPage: true })
    await page.close()
  }, 120_000)
})

describe('the user’s own settings', () => {
  it('changes the password (the old one stops working) and saves an SSH key and a default workspace', async () => {
    const user = await launcherUser(edge, {})
    const page = await browser.newPage()
    await signIn(page, user.username, user.password)
    await page.getByRole('link', { name: user.username }).click()
    await page.getByLabel('Current password').fill(user.password)
    await page.getByLabel('New password').fill('short')
    await page.getByText('must be at least 8 characters').waitFor()
    await page.getByLabel('New password').fill('a-brand-new-password')
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Password changed; your other sign-ins have ended')
    expect((await edge.api('login', { username: user.username, password: user.password })).status).toBe(401)
    expect((await edge.api('login', { username: user.username, password: 'a-brand-new-password' })).status).toBe(200)
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb7mA3bGz2tGx0wJqZ0l8d3PbCkI5r8Xv1G4m7w9s2T me@laptop'
    await page.getByLabel('SSH public key').fill(key)
    await page.getByLabel('Default workspace').selectOption({ label: 'Debian Desktop' })
    await page.getByRole('button', { name: 'Save preferences' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved')
    const attrs = await edge.api('get_attributes', { target_user: { user_id: user.userId } }, edge.adminToken)
    expect(attrs.body.user_attributes).toMatchObject({ ssh_public_key: key, default_image: user.imageId })
    await page.screenshot({ path: join(SHOTS, 'settings.png'), fullPage: true })
    await page.close()
  }, 120_000)
})

describe('server-supplied text', () => {
  it('is rendered as text, never as HTML; admins reset passwords and sort users', async () => {
    const user = await launcherUser(edge, {})
    const hostile = '<img src=x onerror="document.title=\'pwned\'"><b>Bold</b>'
    const img = await edge.api('create_image', { target_image: { friendly_name: hostile, name: 'oriel/desktop:1.0', description: '<script>alert(1)</script>' } }, edge.adminToken)
    const groups = (await edge.api('get_user', { target_user: { user_id: user.userId } }, edge.adminToken)).body.user.groups
    await edge.api('add_images_group', { target_group: { group_id: groups.find((g: { name: string }) => g.name.startsWith('e2e-')).group_id }, target_image: { image_id: img.body.image.image_id } }, edge.adminToken)
    const page = await browser.newPage()
    await signIn(page, user.username, user.password)
    await page.getByText(hostile).waitFor()
    expect(await page.locator('.grid b, .grid img[src="x"], .grid script').count()).toBe(0)
    expect(await page.title()).not.toBe('pwned')
    await page.getByRole('button', { name: 'Sign out' }).click()

    await signIn(page, 'admin@kasm.local', 'e2e-admin-password')
    await page.getByRole('link', { name: 'Users' }).click()
    await page.getByRole('button', { name: 'Username' }).click()
    await expect.poll(() => page.locator('th[aria-sort="descending"]').count()).toBe(1)
    page.once('dialog', (d) => void d.accept('reset-by-admin-1'))
    await page.getByRole('row', { name: new RegExp(user.username) }).getByRole('button', { name: 'Reset password' }).click()
    await expect.poll(async () => (await edge.api('login', { username: user.username, password: 'reset-by-admin-1' })).status).toBe(200)
    await edge.api('delete_image', { target_image: { image_id: img.body.image.image_id } }, edge.adminToken)
    await page.close()
  }, 120_000)
})
