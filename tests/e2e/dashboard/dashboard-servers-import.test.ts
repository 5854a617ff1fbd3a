// The Import Servers wizard in real Chromium against the real edge (Kasm's docs: Servers, Import Servers): the
// seed's invalid rows with their error table and report, files the edge cannot read, then a valid import.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { SEED_ERROR_REPORT, SEED_VALID_SAMPLE } from '../../fixtures/seed-004'
import { ENCRYPTED_RSA_KEY } from '../../fixtures/ssh-keys'
import { SHOTS } from './browser'
import { useServersPage } from './servers-page'

const { edge, api, serversPage, serverNames, listServers } = useServersPage()
const files = mkdtempSync(join(tmpdir(), 'oriel-servers-'))
const file = (name: string, text: string | Buffer) => (writeFileSync(join(files, name), text), join(files, name))

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
