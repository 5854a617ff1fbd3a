// The servers pages in real Chromium against the real edge (Kasm's docs: Servers): pools, the server form with
// its as-you-type rules, filters, and the Import Servers wizard with its error table and report.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SEED_ERROR_REPORT, SEED_VALID_SAMPLE } from '../../fixtures/seed-004'
import { ENCRYPTED_RSA_KEY, ENCRYPTED_RSA_PASSPHRASE } from '../../fixtures/ssh-keys'
import { adminPage, SHOTS, signIn, useBrowser } from './browser'
import { startEdge, type Edge } from '../../support/platform'

// No agent: fixed servers are rows in the edge; nothing here starts a session.
const edge = {} as Edge
beforeAll(async () => void Object.assign(edge, await startEdge()), 120_000)
afterAll(async () => edge.close?.())
const browser = useBrowser()
const api = (verb: string, body: Record<string, unknown>) => edge.api(verb, body, edge.adminToken)
const files = mkdtempSync(join(tmpdir(), 'oriel-servers-'))
const file = (name: string, text: string | Buffer) => (writeFileSync(join(files, name), text), join(files, name))

/** Opens the Create server form with the fields every server has filled in. */
async function newServerForm(page: Page, name: string, type: string, host: string, port: string) {
  await page.getByRole('button', { name: 'Add server' }).click()
  const form = page.getByRole('form', { name: 'Create server' })
  await form.getByLabel('Friendly Name').fill(name)
  await form.getByLabel('Connection Type').selectOption(type)
  await form.getByLabel('IP/Hostname').fill(host)
  await form.getByLabel('Connection Port').fill(port)
  return form
}

async function serversPage() {
  const page = await adminPage(browser, edge)
  await page.getByRole('link', { name: 'Servers' }).click()
  await page.getByRole('heading', { name: 'Servers', exact: true }).waitFor()
  return page
}
const serverNames = (page: Page) =>
  page.getByRole('table', { name: 'Servers', exact: true }).locator('tbody tr td:first-child').allTextContents()
const status = (page: Page) => page.getByRole('status').first().textContent()
const problems = (page: Page, field: string) => page.locator(`#server-${field}-errors .error`).allTextContents()
const listServers = async () => (await api('get_servers', {})).body.servers as Record<string, any>[]

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

/** The seed's report without its `issues` column: the rows that produced it. */
const SEED_INVALID_ROWS = SEED_ERROR_REPORT.split('\n')
  .map((line, i) => (i === 0 ? line.replace(/^issues,/, '') : line.replace(/^"[^"]*",/, '')))
  .join('\n')

async function upload(page: Page, path: string) {
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(path)
  await page.getByRole('button', { name: 'Import', exact: true }).click()
}
const invalidColumns = (page: Page, row: number) =>
  page.locator(`tr[data-row="${row}"] td.invalid`).evaluateAll((tds) => tds.map((td) => td.getAttribute('data-column')))

describe('the Import Servers wizard', () => {
  it("shows the seed's invalid rows with marked cells and issues, exports the edge's report, then imports a valid file", async () => {
    const pool = (await api('create_server_pool', { target_server_pool: { server_pool_name: 'Seed pool', server_pool_type: 'Server' } }))
      .body.server_pool
    const page = await serversPage()
    await page.getByRole('button', { name: 'Import servers' }).click()
    await upload(page, file('seed-invalid.csv', SEED_INVALID_ROWS))
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('3 of 3 rows have errors; nothing was imported')
    expect(await invalidColumns(page, 1)).toEqual([
      'name',
      'zone_name',
      'connection_type',
      'connection_credential_type',
      'ip_hostname',
      'port',
    ])
    expect(await invalidColumns(page, 2)).toEqual([
      'zone_name',
      'connection_type',
      'connection_credential_type',
      'port',
      'connection_info',
      'max_simultaneous_sessions',
      'max_simultaneous_users',
    ])
    expect(await invalidColumns(page, 3)).toEqual(['pool_id', 'assigned_username'])
    expect(await page.locator('tr[data-row="2"] td[data-column="port"]').textContent()).toBe('-1')

    await page.getByRole('button', { name: 'Show issues in row 2' }).click()
    const issues = page.getByRole('region', { name: 'Issues in row 2' }).getByRole('listitem')
    expect(await issues.count()).toBe(7)
    expect(await issues.nth(0).textContent()).toBe('zone_name: Required resource does not exist [Zone(not a zone) does not exist]')
    await page.screenshot({ path: join(SHOTS, 'servers-import-errors.png'), fullPage: true })

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export error report' }).click()])
    expect(download.suggestedFilename()).toBe('seed-invalid-error-report.csv')
    const exported = readFileSync((await download.path())!, 'utf8')
    const direct = await fetch(`${edge.url}/api/public/batch_create_server`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${edge.adminToken}` },
      body: SEED_INVALID_ROWS,
    })
    expect(exported).toBe(((await direct.json()) as { error_report_csv: string }).error_report_csv)
    expect(exported).toBe(SEED_ERROR_REPORT)

    // A ragged row is a problem with the row itself; a file the edge cannot read says why.
    const header = SEED_INVALID_ROWS.split('\n')[0]
    await upload(page, file('ragged.csv', `${header}\n<b>short</b>,default,RDP\n`))
    await page.locator('tr[data-row="1"] [data-row-issue]').waitFor()
    expect(await page.locator('tr[data-row="1"] td[data-column="name"]').textContent()).toBe('<b>short</b>')
    expect(await page.locator('.import-errors b').count()).toBe(0)
    await upload(
      page,
      file(
        'latin1.csv',
        Buffer.concat([Buffer.from(`${header}\n`), Buffer.from('Caf\xe9,default,RDP,STATIC,h,1,,,,,,,,,,,,,\n', 'latin1')]),
      ),
    )
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The file is not valid UTF-8: invalid bytes on line 2')
    expect((await listServers()).filter((s) => ['test_server', '<b>short</b>', 'Café'].includes(s.name))).toEqual([])

    const valid = SEED_VALID_SAMPLE.replace('SuperPassword1!,,,,,,,', 'SuperPassword1!,,,,,,,,')
      .replace('00001111-2222-3333-4444-5555-666677778888', pool.server_pool_id)
      .replace('vnc_pass,,,,,,,', 'vnc_pass,,,,,,,,')
      .replace('22,,bob@local', `22,${pool.server_pool_id},user@kasm.local`)
      .replace(/"-----BEGIN RSA PRIVATE KEY-----[^"]*"/, `"${ENCRYPTED_RSA_KEY}"`)
      .replace(',,,,"shared,production"', ',,,,,"shared,production"')
    // Held at the network until the progress is seen: waiting on an event, not on time.
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    await page.route('**/api/public/batch_create_server', async (route) => (await held, route.continue()))
    await upload(page, file('servers.csv', valid))
    await page.getByRole('progressbar', { name: 'Import progress' }).waitFor()
    release()
    await expect.poll(() => page.locator('.import-summary').textContent()).toBe('Created 5 servers')
    const imported = page.getByRole('table', { name: 'Imported servers' }).locator('tbody tr td:first-child')
    expect((await imported.allTextContents()).sort()).toEqual([
      'KasmVNC Server',
      'Personal SSH Server',
      'RDP Server 1',
      'Shared SSH Server',
      'VNC Server',
    ])
    await page.screenshot({ path: join(SHOTS, 'servers-import-success.png'), fullPage: true })
    await expect
      .poll(async () => (await serverNames(page)).filter((n) => n.endsWith('Server') || n === 'RDP Server 1').sort())
      .toEqual(['KasmVNC Server', 'Personal SSH Server', 'RDP Server 1', 'Shared SSH Server', 'VNC Server'])
    expect((await listServers()).find((s) => s.name === 'Shared SSH Server')).toMatchObject({
      private_key_set: true,
      passphrase_set: true,
      labels: ['shared', 'production'],
    })
    await page.close()
  })
})
