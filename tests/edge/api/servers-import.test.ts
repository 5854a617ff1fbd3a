import { describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'
import { SEED_ERROR_REPORT, SEED_VALID_SAMPLE } from '../../fixtures/seed-004'
import { ENCRYPTED_RSA_KEY, ENCRYPTED_RSA_PASSPHRASE } from '../../fixtures/ssh-keys'

const { t, admin } = useTestContext()
const importCsv = (csv: string, auth: Parameters<typeof t.api>[2] = admin) => t.api('batch_create_server', { csv }, auth)

/** The seed's report without its `issues` column: the rows that produced it. */
const seedInvalidInput = SEED_ERROR_REPORT.split('\n')
  .map((line, i) => (i === 0 ? line.replace(/^issues,/, '') : line.replace(/^"[^"]*",/, '')))
  .join('\n')

describe('batch_create_server with the seed 004 samples', () => {
  // user@kasm.local is one of the two accounts every install starts with, as in Kasm.
  it("reproduces the seed's sample error report exactly, and imports nothing", async () => {
    const before = await t.counts()
    const res = await importCsv(seedInvalidInput)
    expect(res.status).toBe(400)
    expect(res.body.error_message).toBe('3 of 3 rows have errors; nothing was imported')
    expect(res.body.error_report_csv).toBe(SEED_ERROR_REPORT)
    const issues = SEED_ERROR_REPORT.split('\n')
      .slice(1)
      .map((l) => l.match(/^"([^"]*)"/)![1])
    expect(res.body.rows).toEqual(issues.map((text, i) => ({ row: i + 1, issues: text })))
    expect(await t.counts()).toEqual(before)
  })

  it("refuses the seed's 'valid' sample verbatim with an error for each of its defects", async () => {
    const before = await t.counts()
    const res = await importCsv(SEED_VALID_SAMPLE)
    expect(res.status).toBe(400)
    const byRow = Object.fromEntries(res.body.rows.map((r: { row: number; issues: string }) => [r.row, r.issues]))
    const ragged = '(row) Wrong number of fields [Expected 19 fields as in the header, found 18]'
    expect(byRow[1]).toBe(ragged)
    expect(byRow[2]).toBe('(pool_id) Invalid UUID [Input should be a valid UUID]')
    expect(byRow[3]).toBe(ragged)
    // bob@local does not exist here either: both defects are named.
    expect(byRow[4]).toBe(
      '(assigned_username) Required resource does not exist [User(bob@local) does not exist]; (assigned_username, pool_id) Invalid combination [User assignment requires a Server Pool]',
    )
    expect(byRow[5]).toBe(
      `${ragged}; (max_simultaneous_users) Wrong data type [Input should be a valid integer, unable to parse string as an integer]`,
    )
    expect(await t.counts()).toEqual(before)
  })

  it('refuses row 4 for assigning a user without a pool once the user exists', async () => {
    await t.seed.user({ username: 'bob@local' })
    const res = await importCsv(SEED_VALID_SAMPLE)
    expect(res.body.rows.find((r: { row: number }) => r.row === 4).issues).toBe(
      '(assigned_username, pool_id) Invalid combination [User assignment requires a Server Pool]',
    )
    expect(res.body.rows.map((r: { row: number }) => r.row)).toEqual([1, 2, 3, 4, 5])
  })

  it("refuses row 5's truncated private key once the row has its 19 fields", async () => {
    const lines = SEED_VALID_SAMPLE.split('\n')
    const fixed = lines.join('\n').replace(',,,,"shared,production"', ',,,,,"shared,production"')
    const res = await importCsv(fixed)
    expect(res.body.rows.find((r: { row: number }) => r.row === 5).issues).toBe(
      '(private_key) Invalid private key [Private key is truncated or corrupt]',
    )
  })

  it('imports a mended copy: five servers that read back with their values and no secrets', async () => {
    const pool = await t.api(
      'create_server_pool',
      { target_server_pool: { server_pool_name: 'RDP pool', server_pool_type: 'Server' } },
      admin,
    )
    const poolId = pool.body.server_pool.server_pool_id
    const mended = SEED_VALID_SAMPLE.replace('SuperPassword1!,,,,,,,', 'SuperPassword1!,,,,,,,,')
      .replace('00001111-2222-3333-4444-5555-666677778888', poolId)
      .replace('vnc_pass,,,,,,,', 'vnc_pass,,,,,,,,')
      .replace('22,,bob@local', `22,${poolId},bob@local`)
      .replace(/"-----BEGIN RSA PRIVATE KEY-----[^"]*"/, `"${ENCRYPTED_RSA_KEY}"`)
      .replace(',,,,"shared,production"', ',,,,,"shared,production"')
    const before = await t.counts()
    const res = await importCsv(mended)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.servers).toHaveLength(5)
    expect((await t.counts()).servers).toBe(before.servers + 5)
    const list = (await t.api('get_servers', {}, admin)).body.servers
    // The import's answer (views made from the rows in hand) is exactly what get_servers shows.
    const byId = new Map(list.map((s: { server_id: string }) => [s.server_id, s]))
    for (const made of res.body.servers) expect(made).toEqual(byId.get(made.server_id))
    const byName = (n: string) => list.find((s: { name: string }) => s.name === n)
    expect(byName('KasmVNC Server')).toMatchObject({
      zone_name: 'default',
      connection_type: 'KasmVNC',
      connection_credential_type: 'STATIC',
      ip_hostname: 'internal.host.local',
      port: 6901,
      connection_username: 'test_user',
      connection_password_set: true,
      windows_service_installed: false,
      max_simultaneous_sessions: 1,
      max_simultaneous_users: 1,
      labels: [],
      pool_id: null,
    })
    expect(byName('RDP Server 1')).toMatchObject({
      connection_credential_type: 'SSO_CREATE_USER',
      pool_id: poolId,
      pool_name: 'RDP pool',
      windows_service_installed: true,
      sso_username_domain: 'localssodomain',
      labels: ['production', 'windows'],
      connection_password_set: false,
    })
    expect(byName('Personal SSH Server')).toMatchObject({
      assigned_username: 'bob@local',
      use_user_private_key: true,
      max_simultaneous_sessions: 24,
      labels: ['development', 'personal'],
    })
    expect(byName('Shared SSH Server')).toMatchObject({ private_key_set: true, passphrase_set: true, labels: ['shared', 'production'] })
    const text = JSON.stringify(list)
    for (const secret of ['SuperPassword1!', 'vnc_pass', ENCRYPTED_RSA_PASSPHRASE, 'PRIVATE KEY']) expect(text).not.toContain(secret)
  })
})
