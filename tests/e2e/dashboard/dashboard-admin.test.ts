// The admin console in real Chromium against the real platform: the admin flow, then the
// workspaces, agents, sessions, zones and API keys pages.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { adminPage, canvasColours, SHOTS, signIn, useBrowser } from './browser'
import { launcherUser, useAgentPlatform, waitEnded, waitFor, waitRunning } from '../../support/platform'

const { edge } = useAgentPlatform('da')
const browser = useBrowser()

describe('the admin flow', () => {
  it('admin creates a user and a group, permits the desktop, turns clipboard-down off; the user launches and cannot copy out', async () => {
    await launcherUser(edge, {}) // makes sure the reference workspace exists
    const page = await browser.context.newPage()
    await signIn(page, edge, 'admin@kasm.local', 'e2e-admin-password')
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

    await signIn(page, edge, username, 'pat-password-1')
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
    const page = await browser.context.newPage()
    await signIn(page, edge, user.username, user.password)
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).click()
    await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
    const kasmId = page.url().split('/').pop()!
    // xclip keeps owning the selection in the background, as an application that copied would.
    await edge.api(
      'exec_command_kasm',
      { kasm_id: kasmId, exec_config: { cmd: 'printf copied-inside | DISPLAY=:1 xclip -selection clipboard -i >/dev/null 2>&1 &' } },
      user.token,
    )
    await expect.poll(() => page.getByLabel('Clipboard from the session').inputValue(), { timeout: 15_000 }).toBe('copied-inside')
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.close()
  }, 180_000)
})

describe('admin pages', () => {
  it('workspaces: the Docker Run Config is checked as you type; agents drain; sessions can be destroyed', async () => {
    const user = await launcherUser(edge, {})
    const running = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const page = await browser.context.newPage()
    await signIn(page, edge, 'admin@kasm.local', 'e2e-admin-password')

    await page.getByRole('link', { name: 'Workspaces' }).click()
    const name = `Tools ${crypto.randomUUID().slice(0, 6)}`
    await page.getByLabel('Friendly name').fill(name)
    await page.getByLabel('Docker image').fill('oriel/desktop:1.0')
    await page.getByLabel('Docker Run Config (JSON)').fill('{"network_mode": "host"}')
    await expect.poll(() => page.locator('form .error').allTextContents()).toContain('network_mode: is not a known field')
    expect(await page.getByRole('button', { name: 'Create workspace' }).isDisabled()).toBe(true)
    await page.getByLabel('Docker Run Config (JSON)').fill('{"cap_add": ["NET_ADMIN"],')
    await expect.poll(() => page.locator('form .error').first().textContent()).toMatch(/is not valid JSON/)
    await page.getByLabel('Docker Run Config (JSON)').fill('{"cap_add": ["NET_ADMIN"], "shm_size": "1g"}')
    await page.getByRole('button', { name: 'Create workspace' }).click()
    await page.getByRole('cell', { name }).waitFor()
    const saved = (await edge.api('get_images', {}, edge.adminToken)).body.images.find(
      (i: { friendly_name: string }) => i.friendly_name === name,
    )
    expect(saved.run_config).toEqual({ cap_add: ['NET_ADMIN'], shm_size: '1g' })
    await page
      .getByRole('row', { name: new RegExp(name) })
      .getByRole('button', { name: 'Edit' })
      .click()
    await page.getByLabel('GPUs').fill('x')
    await expect.poll(() => page.locator('form .error').allTextContents()).not.toEqual([])
    expect(await page.getByRole('button', { name: 'Save workspace' }).isDisabled()).toBe(true)
    await page.getByLabel('GPUs').fill('0')
    await page.getByLabel('Only agents with labels (comma-separated)').fill('ssd, eu')
    await page.getByLabel('Zone').selectOption({ label: 'default' })
    await page.getByRole('button', { name: 'Save workspace' }).click()
    await expect
      .poll(async () => {
        const now = (await edge.api('get_images', {}, edge.adminToken)).body.images.find(
          (i: { friendly_name: string }) => i.friendly_name === name,
        )
        return [now.include_labels, now.restrict_to_zone, now.zone_id !== null, now.run_config]
      })
      .toEqual([['ssd', 'eu'], true, true, { cap_add: ['NET_ADMIN'], shm_size: '1g' }])
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
    await waitEnded(edge, user.token, running.body.kasm_id)
    await page.close()
  }, 180_000)
})

describe('zones and API keys', () => {
  it('makes a zone and a registration token; creates an API key whose secret is shown once and works with the granted permission', async () => {
    const page = await browser.context.newPage()
    await signIn(page, edge, 'admin@kasm.local', 'e2e-admin-password')
    await page.getByRole('link', { name: 'Zones' }).click()
    const zone = `zone-${crypto.randomUUID().slice(0, 6)}`
    await page.getByLabel('Zone name').fill(zone)
    await page.getByRole('button', { name: 'Create zone' }).click()
    await page.getByRole('cell', { name: zone, exact: true }).waitFor()
    await page
      .getByRole('row', { name: new RegExp(zone) })
      .getByRole('button', { name: 'New registration token' })
      .click()
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
    const call = () =>
      fetch(`${edge.url}/api/public/get_users`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ api_key: key, api_key_secret: secret }),
      })
    expect((await call()).status).toBe(403)
    const row = page.getByRole('row', { name: /reporting/ })
    await row.getByText('none', { exact: true }).click() // the permissions list
    await row.getByRole('checkbox', { name: 'users_view' }).check()
    await expect.poll(async () => (await call()).status).toBe(200)
    await page.reload()
    await page.getByRole('row', { name: /reporting/ }).waitFor()
    expect(await page.content()).not.toContain(secret!)
    await page.screenshot({ path: join(SHOTS, 'admin-api-keys.png'), fullPage: true })
    await page.close()
  }, 120_000)
})

describe('users and groups', () => {
  it('deletes a user only after saying their sessions will end; a user without sessions goes at once', async () => {
    const busy = await launcherUser(edge, {})
    const kasm = (await edge.api('request_kasm', { image_id: busy.imageId }, busy.token)).body
    await waitRunning(edge, busy.token, kasm.kasm_id)
    const idle = (
      await edge.api('create_user', { target_user: { username: `idle-${crypto.randomUUID().slice(0, 6)}@example.com` } }, edge.adminToken)
    ).body.user
    const page = await adminPage(browser, edge)
    await page.getByRole('link', { name: 'Users' }).click()
    const dialogs: string[] = []
    page.on('dialog', (d) => void (dialogs.push(d.message()), d.accept()))
    for (const username of [busy.username, idle.username]) {
      await page.getByLabel('Filter users').fill(username)
      await page
        .getByRole('row', { name: new RegExp(username) })
        .getByRole('button', { name: 'Delete' })
        .click()
      await expect.poll(() => page.getByRole('row', { name: new RegExp(username) }).count()).toBe(0)
    }
    expect(dialogs).toEqual([
      `Delete ${busy.username}?`,
      `User has 1 active session(s); end them first or pass force: true. End ${busy.username}'s sessions and delete the account?`,
      `Delete ${idle.username}?`,
    ])
    const users = (await edge.api('get_users', {}, edge.adminToken)).body.users.map((u: { username: string }) => u.username)
    expect(users).not.toContain(busy.username)
    expect(users).not.toContain(idle.username)
    await page.close()
  }, 120_000)

  it("edits a group's name, description and priority, checked as you type", async () => {
    const name = `Editors ${crypto.randomUUID().slice(0, 6)}`
    const group = (
      await edge.api('create_group', { target_group: { name, priority: 400 + Math.floor(Math.random() * 50_000) } }, edge.adminToken)
    ).body.group
    const page = await adminPage(browser, edge)
    await page.goto(`${edge.url}/#/admin/groups/${group.group_id}`)
    const details = page.getByRole('form', { name: 'Group details' })
    await details.getByLabel('Priority').fill('-3')
    await details.locator('.error').first().waitFor()
    expect(await details.getByRole('button', { name: 'Save group' }).isDisabled()).toBe(true)
    const priority = 60_000 + Math.floor(Math.random() * 30_000)
    await details.getByLabel('Priority').fill(String(priority))
    await details.getByLabel('Group name').fill(`${name} (renamed)`)
    await details.getByLabel('Description').fill('Edits things')
    await details.getByRole('button', { name: 'Save group' }).click()
    await page.getByRole('heading', { name: `Group: ${name} (renamed)` }).waitFor()
    const saved = (await edge.api('get_groups', {}, edge.adminToken)).body.groups.find(
      (g: { group_id: string }) => g.group_id === group.group_id,
    )
    expect(saved).toMatchObject({ name: `${name} (renamed)`, description: 'Edits things', priority })
    await page.close()
  })
})

describe('zone settings', () => {
  it('edits every zone field, checked as you type', async () => {
    const zoneName = `fra-${crypto.randomUUID().slice(0, 6)}`
    const zone = (await edge.api('create_zone', { target_zone: { zone_name: zoneName } }, edge.adminToken)).body.zone
    const page = await adminPage(browser, edge)
    await page.getByRole('link', { name: 'Zones' }).click()
    await page
      .getByRole('row', { name: new RegExp(zoneName) })
      .getByRole('button', { name: 'Edit' })
      .click()
    const form = page.getByRole('form', { name: `Edit zone ${zoneName}` })
    await form.getByLabel('Proxy port').fill('70000')
    await form.locator('.error').first().waitFor()
    expect(await form.getByRole('button', { name: 'Save zone' }).isDisabled()).toBe(true)
    await form.getByLabel('Proxy port').fill('8443')
    await form.getByLabel('Description').fill('Frankfurt racks')
    await form.getByLabel('Proxy hostname').fill('proxy.fra.example')
    await form.getByLabel('Load balancing').selectOption('most_load')
    await form.getByLabel('Search other zones when this one is full').check()
    await form.getByRole('button', { name: 'Save zone' }).click()
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: new RegExp(zoneName) })
          .getByRole('cell')
          .nth(1)
          .textContent(),
      )
      .toBe('Frankfurt racks')
    const saved = (await edge.api('get_zones', {}, edge.adminToken)).body.zones.find((z: { zone_id: string }) => z.zone_id === zone.zone_id)
    expect(saved).toMatchObject({
      description: 'Frankfurt racks',
      proxy_port: 8443,
      proxy_hostname: 'proxy.fra.example',
      load_balancing_strategy: 'most_load',
      search_alternate_zones: true,
      proxy_connections: false,
    })
    await page.close()
  })
})
