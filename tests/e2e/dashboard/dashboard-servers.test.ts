// The servers pages in real Chromium against the real edge (Kasm's docs: Servers): pools, the server form with
// its as-you-type rules, filters, and who sees the page. The Import Servers wizard is in dashboard-servers-import.test.ts.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENCRYPTED_RSA_KEY, ENCRYPTED_RSA_PASSPHRASE } from '../../fixtures/ssh-keys'
import { SHOTS, signIn } from './browser'
import { useServersPage } from './servers-page'

const { edge, browser, api, newServerForm, serversPage, serverNames, status, problems, listServers } = useServersPage()

describe('the servers page', () => {
  it('creates a pool and a server through the form (rules checked as typed), edits it, filters, disables and deletes', async () => {
    const page = await serversPage()
    await page.getByLabel('Pool name').fill('Windows desks')
    await page.getByLabel('Pool type').selectOption('Server')
    await page.getByRole('button', { name: 'Create pool' }).click()
    await page.getByRole('table', { name: 'Server pools' }).getByRole('cell', { name: 'Windows desks', exact: true }).waitFor()

    const form = await newServerForm(page, 'Build box', 'KasmVNC', '10.0.0.5', '-1')
    await expect.poll(() => problems(page, 'port')).toEqual(['Value is too small [Input should be greater than or equal to 0]'])
    // Only STATIC credentials show a username and password; SSH-only and SSO-only fields are hidden.
    expect(await form.getByLabel('SSO Domain').count()).toBe(0)
    expect(await form.getByLabel('Connection Private Key', { exact: true }).count()).toBe(0)
    expect(await form.getByLabel('Assigned User').count()).toBe(0)
    await form.getByLabel('Connection Username').fill('kasm_user')
    const combination = 'Invalid combination [KasmVNC connections require a connection_username and connection_password]'
    await expect.poll(() => problems(page, 'connection_password')).toEqual([combination])
    expect(await problems(page, 'connection_username')).toEqual([combination])
    await page.screenshot({ path: join(SHOTS, 'servers-form-errors.png'), fullPage: true })

    await form.getByLabel('Connection Port').fill('6901')
    await form.getByLabel('Connection Password').fill('vnc-secret-1')
    await form.getByLabel('Pool', { exact: true }).selectOption({ label: 'Windows desks (Server)' })
    await form.getByLabel('Assigned User').fill('user@kasm.local')
    await form.getByLabel('Labels (comma-separated)').fill('build, linux')
    await expect.poll(() => page.locator('.server-form .error').count()).toBe(0)
    await form.getByRole('button', { name: 'Create server' }).click()
    await expect.poll(() => status(page)).toBe('Created Build box')
    await expect.poll(() => serverNames(page)).toEqual(['Build box'])
    let saved = (await listServers()).find((s) => s.name === 'Build box')!
    expect(saved).toMatchObject({
      connection_type: 'KasmVNC',
      port: 6901,
      pool_name: 'Windows desks',
      assigned_username: 'user@kasm.local',
      connection_username: 'kasm_user',
      connection_password_set: true,
      labels: ['build', 'linux'],
      enabled: true,
    })

    // Editing: the stored password is only "set"; a change elsewhere keeps it.
    await page.getByRole('button', { name: 'Edit Build box' }).click()
    const edit = page.getByRole('form', { name: 'Edit server Build box' })
    expect(await edit.locator('[data-secret-state="set"]').count()).toBe(1)
    await edit.getByLabel('Max Simultaneous Sessions').fill('4')
    await edit.getByRole('button', { name: 'Save server' }).click()
    await expect.poll(() => status(page)).toBe('Saved Build box')
    await edit.waitFor({ state: 'detached' })
    saved = (await listServers()).find((s) => s.name === 'Build box')!
    expect(saved).toMatchObject({ max_simultaneous_sessions: 4, connection_password_set: true })

    // RDP with SSO accounts: the now-hidden username and stored password are cleared on save.
    await page.getByRole('button', { name: 'Edit Build box' }).click()
    await edit.getByLabel('Connection Type').selectOption('RDP')
    await edit.getByLabel('Connection Credential Type').selectOption('SSO_USERNAME')
    expect(await edit.getByLabel('Connection Password').count()).toBe(0)
    await edit.getByLabel('SSO Domain').fill('acme.local')
    await edit.getByRole('button', { name: 'Save server' }).click()
    await edit.waitFor({ state: 'detached' })
    saved = (await listServers()).find((s) => s.name === 'Build box')!
    expect(saved).toMatchObject({
      connection_type: 'RDP',
      connection_credential_type: 'SSO_USERNAME',
      sso_username_domain: 'acme.local',
      connection_username: null,
      connection_password_set: false,
    })

    await api('create_zone', { target_zone: { zone_name: 'lab' } })
    await api('create_server', {
      target_server: {
        name: 'Lab shell',
        zone_name: 'lab',
        connection_type: 'SSH',
        connection_credential_type: 'SSO_USERNAME',
        ip_hostname: 'shell.lab',
        port: 22,
        labels: ['lab'],
      },
    })
    await api('create_server', {
      target_server: {
        name: 'Temp desk',
        zone_name: 'default',
        connection_type: 'VNC',
        connection_credential_type: 'STATIC',
        ip_hostname: '10.0.0.9',
        port: 5900,
        connection_username: 'u',
        connection_password: 'p',
      },
    })
    await page.getByRole('link', { name: 'Zones' }).click()
    await page.getByRole('link', { name: 'Servers' }).click()
    await expect.poll(() => serverNames(page)).toEqual(['Build box', 'Lab shell', 'Temp desk'])
    await page.getByLabel('Filter by zone').selectOption('lab')
    await expect.poll(() => serverNames(page)).toEqual(['Lab shell'])
    await page.getByLabel('Filter by zone').selectOption('')
    await page.getByLabel('Filter by label').selectOption('build')
    await expect.poll(() => serverNames(page)).toEqual(['Build box'])
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await page.getByLabel('Filter by connection type').selectOption('VNC')
    await expect.poll(() => serverNames(page)).toEqual(['Temp desk'])
    await page.getByRole('button', { name: 'Clear filters' }).click()

    await page.getByRole('button', { name: 'Disable Build box' }).click()
    await expect.poll(() => status(page)).toBe('Disabled Build box')
    // The note shows when the edge answers; the table follows once the list is reloaded.
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /Build box/ })
          .getByRole('cell')
          .nth(7)
          .textContent(),
      )
      .toBe('disabled')
    page.once('dialog', (d) => void d.accept())
    await page.getByRole('button', { name: 'Delete Temp desk' }).click()
    await expect.poll(() => status(page)).toBe('Deleted Temp desk')
    await expect.poll(() => serverNames(page)).toEqual(['Build box', 'Lab shell'])

    // Pools: a rename shows on the server; a pool in use is refused, an empty one goes.
    const pools = page.getByRole('region', { name: 'Server pools' })
    await pools.getByRole('button', { name: 'Rename Windows desks' }).click()
    await pools.getByLabel('New name for Windows desks').fill('Desks')
    await pools.getByRole('button', { name: 'Save name' }).click()
    await expect.poll(() => pools.getByRole('status').textContent()).toBe('Renamed to Desks')
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /Build box/ })
          .getByRole('cell')
          .nth(4)
          .textContent(),
      )
      .toBe('Desks')
    page.once('dialog', (d) => void d.accept())
    await pools.getByRole('button', { name: 'Delete Desks' }).click()
    await expect
      .poll(() => pools.getByRole('alert').textContent())
      .toBe('The pool still has servers or workspaces; move or delete them first')
    await pools.getByLabel('Pool name').fill('Spare')
    await pools.getByLabel('Pool type').selectOption('Docker Agent')
    await pools.getByRole('button', { name: 'Create pool' }).click()
    await pools.getByRole('cell', { name: 'Spare', exact: true }).waitFor()
    page.once('dialog', (d) => void d.accept())
    await pools.getByRole('button', { name: 'Delete Spare' }).click()
    await expect.poll(() => pools.getByRole('status').textContent()).toBe('Deleted pool Spare')
    await expect.poll(() => pools.getByRole('cell', { name: 'Spare', exact: true }).count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'servers-page.png'), fullPage: true })
    await page.close()
  })
})

describe('an SSH server’s key', () => {
  it('is checked in the browser with its passphrase; once stored it shows only as set and can be cleared', async () => {
    const page = await serversPage()
    const form = await newServerForm(page, 'Key box', 'SSH', 'keys.lab', '22')
    await form.getByLabel('Connection Username').fill('ops')
    await form.getByLabel('Connection Private Key', { exact: true }).fill(ENCRYPTED_RSA_KEY)
    await expect.poll(() => problems(page, 'passphrase')).toEqual(['Invalid passphrase [Private key is encrypted and needs a passphrase]'])
    await form.getByLabel('Connection Private Key Passphrase').fill('not-the-passphrase')
    await expect.poll(() => problems(page, 'passphrase')).toEqual(['Invalid passphrase [Passphrase does not decrypt the private key]'])
    await form.getByLabel('Connection Private Key Passphrase').fill(ENCRYPTED_RSA_PASSPHRASE)
    await expect.poll(() => page.locator('.server-form .error').count()).toBe(0)
    await form.getByRole('button', { name: 'Create server' }).click()
    await expect.poll(() => status(page)).toBe('Created Key box')
    expect((await listServers()).find((s) => s.name === 'Key box')).toMatchObject({
      private_key_set: true,
      passphrase_set: true,
      connection_password_set: false,
    })

    await page.getByRole('button', { name: 'Edit Key box' }).click()
    const edit = page.getByRole('form', { name: 'Edit server Key box' })
    expect(await edit.locator('[data-secret-state="set"]').count()).toBe(2)
    expect(await edit.getByLabel('Connection Private Key', { exact: true }).count()).toBe(0)
    await edit.getByRole('button', { name: 'Clear connection private key', exact: true }).click()
    const pair = 'Invalid combination [A passphrase needs a private key]'
    await expect.poll(() => problems(page, 'passphrase')).toEqual([pair])
    expect(await problems(page, 'private_key')).toEqual([pair])
    await edit.getByRole('button', { name: 'Clear connection private key passphrase' }).click()
    await expect.poll(() => page.locator('.server-form .error').count()).toBe(0)
    await edit.getByRole('button', { name: 'Save server' }).click()
    await edit.waitFor({ state: 'detached' })
    expect((await listServers()).find((s) => s.name === 'Key box')).toMatchObject({
      private_key_set: false,
      passphrase_set: false,
      connection_username: 'ops',
    })
    await page.close()
  })
})

describe('permissions', () => {
  it('servers_view alone lists servers without the controls; without it there is no Servers page', async () => {
    const group = (await api('create_group', { target_group: { name: 'Server viewers', priority: 500 } })).body.group
    await api('add_permissions_group', { target_group: { group_id: group.group_id }, target_permissions: ['servers_view'] })
    const viewer = (await api('create_user', { target_user: { username: 'viewer@example.com', password: 'viewer-password-1' } })).body.user
    await api('add_user_group', { target_user: { user_id: viewer.user_id }, target_group: { group_id: group.group_id } })
    const page = await browser.context.newPage()
    await signIn(page, edge, 'viewer@example.com', 'viewer-password-1')
    await page.getByRole('link', { name: 'Servers' }).click()
    await expect.poll(() => serverNames(page)).toContain('Build box')
    for (const name of ['Add server', 'Import servers', 'Edit Build box', 'Delete Build box', 'Create pool']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0)
    }
    await page.getByRole('button', { name: 'Sign out' }).click()
    await signIn(page, edge, 'user@kasm.local', 'e2e-user-password')
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    expect(await page.getByRole('link', { name: 'Servers' }).count()).toBe(0)
    await page.goto(`${edge.url}/#/admin/servers`)
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('This page does not exist, or you may not see it.')
    await page.close()
  })
})
