// The admin console's editing pages in real Chromium against the real platform: a user's profile and
// groups, a group's workspaces, agent overrides and deletion, API key mode and expiry, and sorting
// and paging in the shared admin table. The workspace form has its own file.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { adminPage, SHOTS, signIn, useBrowser } from './browser'
import { launcherUser, startAgent, useAgentPlatform, waitEnded, waitFor, waitRunning } from '../../support/platform'

const { edge, agent } = useAgentPlatform('dc')
const browser = useBrowser()
const api = (verb: string, body: Record<string, unknown>) => edge.api(verb, body, edge.adminToken)
const suffix = () => crypto.randomUUID().slice(0, 6)

const asAdmin = () => adminPage(browser, edge)
/** The text of one column of a table's body rows, as shown. */
const column = (page: Page, table: string, index: number) =>
  page.getByRole('table', { name: table, exact: true }).locator(`tbody tr td:nth-child(${index})`).allTextContents()
const ascending = (xs: string[]) => [...xs].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' }))

describe('a user’s page', () => {
  it('edits names and notes (checked as typed), then adds and removes a group; the list shows the new name', async () => {
    const username = `ada-${suffix()}@example.com`
    const user = (await api('create_user', { target_user: { username, password: 'ada-password-1' } })).body.user
    const group = (
      await api('create_group', { target_group: { name: `Analysts ${suffix()}`, priority: 300 + Math.floor(Math.random() * 50_000) } })
    ).body.group
    const page = await asAdmin()
    await page.getByRole('link', { name: 'Users' }).click()
    await page.getByRole('link', { name: username }).click()
    await page.getByRole('heading', { name: `User: ${username}` }).waitFor()
    await page.getByLabel('Username').fill('has space@example.com')
    await page.getByText('must not contain spaces').waitFor()
    expect(await page.getByRole('button', { name: 'Save user' }).isDisabled()).toBe(true)
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('First name').fill('Ada')
    await page.getByLabel('Last name').fill('Lovelace')
    await page.getByLabel('Organization').fill('Analytical Engines')
    await page.getByLabel('Notes').fill('Writes the first programs.\n<b>not bold</b>')
    await page.getByRole('button', { name: 'Save user' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved')
    const saved = (await api('get_user', { target_user: { user_id: user.user_id } })).body.user
    expect(saved).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      organization: 'Analytical Engines',
      notes: 'Writes the first programs.\n<b>not bold</b>',
      phone: null,
    })

    await page.getByLabel('Add to group').selectOption({ label: group.name })
    await page.getByRole('button', { name: 'Add to group' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`Added to ${group.name}`)
    await page.getByRole('region', { name: 'Groups' }).getByRole('link', { name: group.name }).waitFor()
    expect(await page.getByRole('button', { name: 'Remove from All Users' }).count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'admin-user.png'), fullPage: true })
    await page.getByRole('button', { name: `Remove from ${group.name}` }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`Removed from ${group.name}`)
    await expect.poll(() => page.getByRole('region', { name: 'Groups' }).getByRole('link', { name: group.name }).count()).toBe(0)
    expect(
      (await api('get_user', { target_user: { user_id: user.user_id } })).body.user.groups.map((g: { name: string }) => g.name),
    ).toEqual(['All Users'])

    await page.getByRole('link', { name: '← All users' }).click()
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: new RegExp(username) })
          .getByRole('cell')
          .nth(1)
          .textContent(),
      )
      .toBe('Ada Lovelace')
    await page.close()
  })
})

describe('a group’s workspaces', () => {
  it('lists what the group permits and removes one; it disappears and can be permitted again', async () => {
    const user = await launcherUser(edge, {})
    const groupId = (await api('get_user', { target_user: { user_id: user.userId } })).body.user.groups.find((g: { name: string }) =>
      g.name.startsWith('e2e-'),
    ).group_id
    const extra = (
      await api('create_image', { target_image: { friendly_name: `Notes ${suffix()}`, name: 'oriel/desktop:1.0', enabled: false } })
    ).body.image
    await api('add_images_group', { target_group: { group_id: groupId }, target_image: { image_id: extra.image_id } })
    const page = await asAdmin()
    await page.goto(`${edge.url}/#/admin/groups/${groupId}`)
    const table = page.getByRole('table', { name: 'Permitted workspaces' })
    await table.getByRole('row', { name: new RegExp(extra.friendly_name) }).waitFor()
    expect(await column(page, 'Permitted workspaces', 1)).toEqual(ascending(['Debian Desktop', extra.friendly_name]))
    expect(
      await table
        .getByRole('row', { name: new RegExp(extra.friendly_name) })
        .getByRole('cell')
        .nth(2)
        .textContent(),
    ).toBe('disabled')
    await page.screenshot({ path: join(SHOTS, 'admin-group-workspaces.png'), fullPage: true })
    await page.getByRole('button', { name: `Remove ${extra.friendly_name}` }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`Withdrew ${extra.friendly_name}`)
    await expect.poll(() => column(page, 'Permitted workspaces', 1)).toEqual(['Debian Desktop'])
    const listed = (await api('get_images_group', { target_group: { group_id: groupId } })).body.images
    expect(listed.map((i: { friendly_name: string }) => i.friendly_name)).toEqual(['Debian Desktop'])
    await page.getByLabel('Permit workspace').selectOption({ label: extra.friendly_name })
    await page.getByRole('button', { name: 'Permit workspace' }).click()
    await expect.poll(() => column(page, 'Permitted workspaces', 1)).toEqual(ascending(['Debian Desktop', extra.friendly_name]))
    await page.close()
  })

  it('opens for an admin without users_view: members say why they are not listed, the rest works', async () => {
    const editors = (
      await api('create_group', { target_group: { name: `Group editors ${suffix()}`, priority: 600 + Math.floor(Math.random() * 50_000) } })
    ).body.group
    await api('add_permissions_group', {
      target_group: { group_id: editors.group_id },
      target_permissions: ['groups_view', 'groups_modify'],
    })
    const username = `editor-${suffix()}@example.com`
    const editor = (await api('create_user', { target_user: { username, password: 'editor-password-1' } })).body.user
    await api('add_user_group', { target_user: { user_id: editor.user_id }, target_group: { group_id: editors.group_id } })
    const page = await browser.context.newPage()
    await signIn(page, edge, username, 'editor-password-1')
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    await page.goto(`${edge.url}/#/admin/groups/${editors.group_id}`)
    await page.getByText('Listing members needs the users_view permission.').waitFor()
    expect(await page.getByLabel('Add member').count()).toBe(0)
    await page.getByRole('table', { name: 'Permitted workspaces' }).waitFor()
    expect(await page.getByRole('alert').count()).toBe(0)
    await page.close()
  })
})

describe('agents', () => {
  it('sets memory and GPU overrides and labels; deleting an agent that holds a session needs force', async () => {
    const network = `oriel-e2e-dc2-${process.pid}`
    const doomed = await startAgent(edge, { network, name: `doomed-${suffix()}` })
    const doomedName = doomed.config.name
    try {
      const page = await asAdmin()
      await page.getByRole('link', { name: 'Agents' }).click()
      const main = page.getByRole('row', { name: /e2e-agent/ })
      await main.getByRole('button', { name: 'Edit' }).click()
      await page.getByLabel('GPU override').fill('1.5')
      await page.getByRole('region', { name: 'Agent e2e-agent' }).getByText('must be a whole number').waitFor()
      expect(await page.getByRole('button', { name: 'Save agent' }).isDisabled()).toBe(true)
      await page.getByLabel('GPU override').fill('2')
      await page.getByLabel('Memory override (GiB)').fill('3')
      await page.getByLabel('Labels (comma-separated)').fill('ssd, eu')
      await page.screenshot({ path: join(SHOTS, 'admin-agent-edit.png'), fullPage: true })
      await page.getByRole('button', { name: 'Save agent' }).click()
      await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved e2e-agent')
      await expect.poll(() => main.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['2 (override)', 'ssd, eu']))
      expect(await main.getByRole('cell').nth(4).textContent()).toMatch(/\/ 3\.0 GiB \(override\)$/)
      const saved = (await api('get_agents', {})).body.agents.find((a: { name: string }) => a.name === 'e2e-agent')
      expect(saved).toMatchObject({ memory_override: 3 * 1024 ** 3, gpus_override: 2, labels: ['ssd', 'eu'] })

      // A session on the doomed agent: the main one drains while it is placed.
      await api('update_agent', { target_agent: { agent_id: agent.agentId, draining: true } })
      const user = await launcherUser(edge, {})
      const kasm = (await edge.api('request_kasm', { image_id: user.imageId }, user.token)).body
      await api('update_agent', { target_agent: { agent_id: agent.agentId, draining: false } })
      await waitRunning(edge, user.token, kasm.kasm_id)
      await page.reload()
      const row = page.getByRole('row', { name: new RegExp(doomedName) })
      await expect.poll(() => row.getByRole('cell').nth(6).textContent()).toBe('1')
      await row.getByRole('button', { name: 'Edit' }).click()
      const dialogs: string[] = []
      page.on('dialog', (d) => void (dialogs.push(d.message()), d.accept()))
      await page.getByRole('button', { name: 'Delete agent' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('Agent holds 1 session(s); drain it first or pass force: true')
      await page.getByLabel('Force: end its sessions').check()
      await page.getByRole('button', { name: 'Delete agent' }).click()
      await expect.poll(() => page.getByRole('status').textContent()).toBe(`Deleted ${doomedName}`)
      expect(dialogs).toEqual([`Delete agent ${doomedName}?`, `Delete agent ${doomedName}? Its 1 session(s) will end.`])
      await expect.poll(() => row.count()).toBe(0)
      await waitEnded(edge, user.token, kasm.kasm_id)
      await api('update_agent', { target_agent: { agent_id: agent.agentId, memory_override: null, gpus_override: null, labels: [] } })
      await page.close()
    } finally {
      await doomed.agent.close({ graceMs: 2_000 })
      for (const c of await doomed.docker.listManaged(doomed.agentId)) await doomed.docker.remove(c.containerId)
      await doomed.docker.removeSessionNetwork(network).catch(() => {})
      doomed.removeData()
    }
  })
})

describe('API keys after creation', () => {
  it('turns read-only on (writes are refused), disables, and changes the expiry', async () => {
    const name = `ops-${suffix()}`
    const made = (await api('create_api_key', { target_api_key: { name } })).body.api_key
    await api('set_api_key_permissions', {
      target_api_key: { api_key_id: made.api_key_id },
      target_permissions: ['groups_view', 'groups_create'],
    })
    const asKey = (verb: string, body: Record<string, unknown>) =>
      edge.api(verb, { api_key: made.api_key, api_key_secret: made.api_key_secret, ...body })
    const page = await asAdmin()
    await page.getByRole('link', { name: 'API keys' }).click()
    const row = page.getByRole('row', { name: new RegExp(name) })
    await row.getByRole('button', { name: 'Make read only' }).click()
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('read only')
    const write = await asKey('create_group', {
      target_group: { name: `By key ${suffix()}`, priority: 60_000 + Math.floor(Math.random() * 30_000) },
    })
    expect([write.status, write.body.error_message]).toEqual([403, 'Unauthorized: this API key is read-only'])
    expect((await asKey('get_groups', {})).status).toBe(200)
    await row.getByRole('button', { name: 'Disable' }).click()
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('disabled')
    expect((await asKey('get_groups', {})).status).toBe(401)
    await row.getByRole('button', { name: 'Enable' }).click()
    await row.getByRole('button', { name: 'Allow writes' }).click()
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('read/write')

    await row.getByText('never', { exact: true }).click()
    await row.getByLabel(`Expiry of ${name}`).fill('2031-05-06T07:08')
    await row.getByRole('button', { name: 'Save expiry' }).click()
    const expected = await page.evaluate(() => new Date('2031-05-06T07:08').toISOString())
    const expiry = async () => (await api('get_api_keys', {})).body.api_keys.find((k: { name: string }) => k.name === name).expires
    await expect.poll(expiry).toBe(expected)
    await expect
      .poll(() => row.locator('summary').first().textContent())
      .toBe(await page.evaluate((iso) => new Date(iso).toLocaleString(), expected))
    await page.screenshot({ path: join(SHOTS, 'admin-api-keys-edit.png'), fullPage: true })
    await row.locator('summary').first().click()
    await row.getByRole('button', { name: 'Never expires' }).click()
    await expect.poll(expiry).toBe(null)
    await page.close()
  })
})

describe('sorting and paging', () => {
  it('every admin table sorts by its headers; the groups table pages by 20', async () => {
    const tag = `pg-${suffix()}`
    for (let i = 0; i < 25; i++) {
      await api('create_group', {
        target_group: { name: `${tag}-${String(i).padStart(2, '0')}`, priority: 70_000 + i * 7 + Math.floor(Math.random() * 7) },
      })
    }
    const page = await asAdmin()
    await page.getByRole('link', { name: 'Groups' }).click()
    await page.getByRole('navigation', { name: 'Groups pages' }).waitFor()
    const priorities = (await column(page, 'Groups', 1)).map(Number)
    expect(priorities).toHaveLength(20)
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b))
    await page.getByRole('button', { name: 'Name' }).click()
    await expect.poll(() => page.locator('th[aria-sort="ascending"]').textContent()).toBe('Name ▲')
    const names = await column(page, 'Groups', 2)
    expect(names).toEqual(ascending(names))
    await page.getByRole('button', { name: 'Name ▲' }).click()
    await expect.poll(() => page.locator('th[aria-sort="descending"]').textContent()).toBe('Name ▼')
    const down = await column(page, 'Groups', 2)
    expect(down).toEqual(ascending(down).reverse())
    expect(down[0]).not.toBe(names[0])
    const pager = page.getByRole('navigation', { name: 'Groups pages' })
    await pager.getByRole('button', { name: 'Next' }).click()
    await expect.poll(() => pager.locator('span').textContent()).toMatch(/^2 \/ \d+$/)
    const second = await column(page, 'Groups', 2)
    expect(second.length).toBeGreaterThan(0)
    expect(second.filter((n) => down.includes(n))).toEqual([])
    expect(second).toEqual(ascending(second).reverse())
    await page.screenshot({ path: join(SHOTS, 'admin-groups-paged.png'), fullPage: true })

    // The same table on the other pages: a click sorts by that column.
    for (const [link, table, header, index] of [
      ['Workspaces', 'Workspaces', 'Name', 1],
      ['Agents', 'Agents', 'Name', 1],
      ['Zones', 'Zones', 'Zone', 1],
      ['API keys', 'API keys', 'Name', 1],
      ['Users', 'Users', 'Username', 1],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click()
      const t = page.getByRole('table', { name: table, exact: true })
      await t.locator('tbody tr').first().waitFor()
      await t.getByRole('button', { name: header }).click()
      await expect.poll(() => t.locator('th[aria-sort="descending"]').textContent()).toBe(`${header} ▼`)
      const sortedDown = await column(page, table, index)
      expect([link, sortedDown]).toEqual([link, ascending(sortedDown).reverse()])
    }
    await page.close()
  })
})
