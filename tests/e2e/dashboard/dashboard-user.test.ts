// The dashboard as a user sees it, in real Chromium against the real platform: sign-in, launch,
// the desktop's pixels, DLP reflected, files, the deep link, settings, and text never run as HTML.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { launchChromium } from '../../support/chromium'
import { canvasColours, SHOTS, signIn, useBrowser } from './browser'
import { launcherUser, useAgentPlatform, waitEnded, waitFor } from '../../support/platform'

const { edge, agent } = useAgentPlatform('du')
const browser = useBrowser()

describe('the dashboard', () => {
  it('explains a failed sign-in', async () => {
    const page = await browser.context.newPage()
    await signIn(page, edge, 'nobody@example.com', 'wrong-password')
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Invalid username or password')
    await page.close()
  })

  it('signs in, launches the desktop, shows its pixels, hides clipboard-out, and deletes the session', async () => {
    const user = await launcherUser(edge, { allow_kasm_clipboard_down: false })
    const page = await browser.context.newPage()
    await signIn(page, edge, user.username, user.password)
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
    await waitEnded(edge, user.token, kasmId)
    await waitFor(
      async () => (await agent.docker.listManaged(agent.agentId)).every((c) => c.kasmId.replaceAll('-', '') !== kasmId),
      30_000,
      'the container to go',
    )
    await page.close()
  }, 180_000)

  it('the deep link from request_kasm opens the session in a fresh browser, without a sign-in', async () => {
    const user = await launcherUser(edge, {})
    const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const fresh = await launchChromium()
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
    const page = await browser.context.newPage()
    await signIn(page, edge, allowed.username, allowed.password)
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    await page
      .getByLabel('Upload files')
      .setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('from the browser') })
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Uploaded report.txt to Uploads')
    const kasmId = page.url().split('/').pop()!
    const read = await edge.api('exec_command_kasm', { kasm_id: kasmId, exec_config: { cmd: 'cat ~/Uploads/report.txt' } }, allowed.token)
    expect(read.body.output).toBe('from the browser')
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()

    const denied = await launcherUser(edge, { allow_kasm_uploads: false, allow_kasm_downloads: false })
    await signIn(page, edge, denied.username, denied.password)
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.getByRole('button', { name: 'Delete session' }).isVisible()).toBe(true)
    expect(await page.getByLabel('Upload files').count()).toBe(0)
    expect(await page.getByLabel('File to download').count()).toBe(0)
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.close()
  }, 180_000)
})

describe('the user’s own settings', () => {
  it('changes the password (the old one stops working) and saves an SSH key and a default workspace', async () => {
    const user = await launcherUser(edge, {})
    const page = await browser.context.newPage()
    await signIn(page, edge, user.username, user.password)
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
    const img = await edge.api(
      'create_image',
      { target_image: { friendly_name: hostile, name: 'oriel/desktop:1.0', description: '<script>alert(1)</script>' } },
      edge.adminToken,
    )
    const groups = (await edge.api('get_user', { target_user: { user_id: user.userId } }, edge.adminToken)).body.user.groups
    await edge.api(
      'add_images_group',
      {
        target_group: { group_id: groups.find((g: { name: string }) => g.name.startsWith('e2e-')).group_id },
        target_image: { image_id: img.body.image.image_id },
      },
      edge.adminToken,
    )
    const page = await browser.context.newPage()
    await signIn(page, edge, user.username, user.password)
    await page.getByText(hostile).waitFor()
    expect(await page.locator('.grid b, .grid img[src="x"], .grid script').count()).toBe(0)
    expect(await page.title()).not.toBe('pwned')
    await page.getByRole('button', { name: 'Sign out' }).click()

    await signIn(page, edge, 'admin@kasm.local', 'e2e-admin-password')
    await page.getByRole('link', { name: 'Users' }).click()
    await page.getByRole('button', { name: 'Username' }).click()
    await expect.poll(() => page.locator('th[aria-sort="descending"]').count()).toBe(1)
    page.once('dialog', (d) => void d.accept('reset-by-admin-1'))
    await page
      .getByRole('row', { name: new RegExp(user.username) })
      .getByRole('button', { name: 'Reset password' })
      .click()
    await expect.poll(async () => (await edge.api('login', { username: user.username, password: 'reset-by-admin-1' })).status).toBe(200)
    await edge.api('delete_image', { target_image: { image_id: img.body.image.image_id } }, edge.adminToken)
    await page.close()
  }, 120_000)
})
