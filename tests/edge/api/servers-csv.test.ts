import { describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()
const HEADER = 'name,zone_name,connection_type,connection_credential_type,ip_hostname,port,connection_username,connection_password,labels'
const row = (name: string) => `${name},default,KasmVNC,STATIC,10.0.0.1,6901,kasm_user,pw,`

/** Imports, and checks that nothing changed when it fails. */
async function importCsv(csv: string) {
  const before = await t.counts()
  const res = await t.api('batch_create_server', { csv }, admin)
  if (res.status !== 200) expect(await t.counts()).toEqual(before)
  return res
}
/** The file itself as the request body, as the dashboard's wizard sends it. */
async function postFile(bytes: Uint8Array<ArrayBuffer>) {
  const res = await t.app.request('/api/public/batch_create_server', {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv; charset=utf-8', Authorization: `Bearer ${admin.token}` },
    body: bytes,
  })
  return { status: res.status, body: (await res.json()) as any }
}
const names = async () => ((await t.api('get_servers', {}, admin)).body.servers as { name: string }[]).map((s) => s.name)

describe('CSV formatting (seed 004)', () => {
  it('reads commas, line breaks and doubled quotes inside quoted fields, and "" as null', async () => {
    const csv = `${HEADER}\n"a,b",default,KasmVNC,STATIC,10.0.0.1,6901,kasm_user,"p,w",\n"line\nbreak",default,KasmVNC,STATIC,10.0.0.1,6901,kasm_user,pw,""\n"12""34",default,KasmVNC,STATIC,10.0.0.1,6901,kasm_user,pw,"x,y"\n`
    const res = await importCsv(csv)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.servers.map((s: { name: string; labels: string[] }) => [s.name, s.labels])).toEqual([
      ['a,b', []],
      ['line\nbreak', []],
      ['12"34', ['x', 'y']],
    ])
  })

  it('accepts a byte-order mark, CRLF line endings and no trailing newline', async () => {
    const res = await importCsv(`\uFEFF${HEADER}\r\n${row('crlf-1')}\r\n${row('crlf-2')}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.servers.map((s: { name: string }) => s.name)).toEqual(['crlf-1', 'crlf-2'])
  })

  it('lets optional columns be left out and applies their defaults', async () => {
    const res = await importCsv(
      'name,zone_name,connection_type,connection_credential_type,ip_hostname,port\nbare,default,SSH,STATIC,h.example,22',
    )
    expect(res.body.servers[0]).toMatchObject({
      pool_id: null,
      max_simultaneous_sessions: 1,
      max_simultaneous_users: 1,
      use_user_private_key: false,
      windows_service_installed: false,
      labels: [],
    })
  })

  it('refuses ragged rows, naming each, and imports none of the file', async () => {
    const res = await importCsv(`${HEADER}\n${row('fine')}\nshort,default,KasmVNC,STATIC,10.0.0.1,6901,kasm_user,pw\n${row('long')},extra`)
    expect(res.status).toBe(400)
    expect(res.body.rows).toEqual([
      { row: 2, issues: '(row) Wrong number of fields [Expected 9 fields as in the header, found 8]' },
      { row: 3, issues: '(row) Wrong number of fields [Expected 9 fields as in the header, found 10]' },
    ])
    expect(await names()).not.toContain('fine')
  })

  it.each([
    ['', 'The file is empty: a header row is required'],
    [HEADER, 'The file has a header row but no records'],
    [`${HEADER},name\n${row('x')},x`, 'The header row names the column name twice'],
    [
      `${HEADER},colour\n${row('x')},red`,
      'Unknown column: colour. The columns are: name, zone_name, connection_type, connection_credential_type, ip_hostname, port, pool_id, assigned_username, windows_service_installed, connection_username, connection_password, sso_username_domain, passphrase, private_key, use_user_private_key, connection_info, max_simultaneous_sessions, max_simultaneous_users, labels',
    ],
    ['name,zone_name,connection_type,ip_hostname\nx,default,SSH,h', 'Missing required columns: connection_credential_type, port'],
  ])('refuses the file %j: %s', async (csv, message) => {
    const res = await importCsv(csv)
    expect([res.status, res.body.error_message, res.body.field]).toEqual([400, message, 'csv'])
  })

  it('reports the same mistake on every row that makes it', async () => {
    const bad = 'twin,mars,SSH,STATIC,h,-5,,,'
    const res = await importCsv(`${HEADER}\n${bad}\n${row('fine')}\n${bad}\n${bad}`)
    const issues =
      '(zone_name) Required resource does not exist [Zone(mars) does not exist]; (port) Value is too small [Input should be greater than or equal to 0]'
    expect(res.body.rows).toEqual([1, 3, 4].map((n) => ({ row: n, issues })))
  })

  it('reports a quoted field that never ends', async () => {
    const res = await importCsv(`${HEADER}\n${row('ok')}\n"unterminated,default,KasmVNC,STATIC,10.0.0.1,6901,u,p,`)
    expect(res.status).toBe(400)
    expect(res.body.rows[0].row).toBe(2)
    expect(res.body.rows[0].issues).toMatch(/^\(row\) Malformed CSV \[Quoted field unterminated\]/)
  })

  it('imports 10,000 records and refuses 10,001, importing none of them', async () => {
    const many = (n: number) => [HEADER, ...Array.from({ length: n }, (_, i) => row(`bulk-${i}`))].join('\n')
    const before = (await t.counts()).servers
    const over = await importCsv(many(10_001))
    expect([over.status, over.body.error_message]).toEqual([400, 'The file has more than 10,000 records; import at most 10,000 at a time'])
    const res = await importCsv(many(10_000))
    expect(res.status).toBe(200)
    expect(res.body.servers).toHaveLength(10_000)
    expect((await t.counts()).servers).toBe(before + 10_000)
  }, 120_000)

  it('refuses a bad row far into the file, after earlier rows were sent, importing none and reporting every record', async () => {
    const lines = Array.from({ length: 1_500 }, (_, i) => row(`late-${i}`))
    lines[1_299] = lines[1_299]!.replace(',6901,', ',70000,')
    const res = await importCsv([HEADER, ...lines].join('\r\n'))
    expect([res.status, res.body.error_message]).toEqual([400, '1 of 1,500 rows has errors; nothing was imported'])
    expect(res.body.rows).toEqual([{ row: 1_300, issues: '(port) Value is too large [Input should be less than or equal to 65535]' }])
    const report = res.body.error_report_csv.split('\n')
    expect(report).toHaveLength(1_501)
    expect(report[1]).toBe(`,${row('late-0')}`)
    expect(report[1_300]).toBe(`(port) Value is too large [Input should be less than or equal to 65535],${lines[1_299]}`)
    expect(await names()).not.toContain('late-0')
  })

  it('refuses a file that is not UTF-8, naming the line, in both body forms', async () => {
    const latin1 = Uint8Array.from([
      ...new TextEncoder().encode(`${HEADER}\n${row('ok')}\n`),
      0x63,
      0x61,
      0x66,
      0xe9,
      ...new TextEncoder().encode(',default,KasmVNC,STATIC,10.0.0.1,6901,u,p,\n'),
    ])
    const before = await t.counts()
    const raw = await postFile(latin1)
    expect([raw.status, raw.body.error_message, raw.body.field]).toEqual([
      400,
      'The file is not valid UTF-8: invalid bytes on line 3',
      'csv',
    ])
    const json = new Uint8Array([
      ...new TextEncoder().encode('{"csv": "'),
      ...new TextEncoder().encode(`${HEADER}\\n${row('ok')}\\n`),
      0xe9,
      ...new TextEncoder().encode('"}'),
    ])
    const res = await t.app.request('/api/public/batch_create_server', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` },
      body: json,
    })
    expect([res.status, ((await res.json()) as any).error_message]).toEqual([400, 'The file is not valid UTF-8: invalid bytes on line 3'])
    expect(await t.counts()).toEqual(before)
    const good = await postFile(new TextEncoder().encode(`${HEADER}\n${row('café')}\n`))
    expect(good.status).toBe(200)
    expect(good.body.servers[0].name).toBe('café')
  })
})

describe('batch_create_server with a servers list', () => {
  it('takes the same columns as JSON values and applies the same rules', async () => {
    const res = await t.api(
      'batch_create_server',
      {
        servers: [
          {
            name: 'json-1',
            zone_name: 'default',
            connection_type: 'SSH',
            connection_credential_type: 'STATIC',
            ip_hostname: 'h1',
            port: 22,
            labels: ['a', 'b'],
          },
          {
            name: 'json-2',
            zone_name: 'default',
            connection_type: 'RDP',
            connection_credential_type: 'PROMPT_USER',
            ip_hostname: 'h2',
            port: '3389',
            windows_service_installed: true,
          },
        ],
      },
      admin,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.servers.map((s: { labels: string[]; port: number }) => [s.labels, s.port])).toEqual([
      [['a', 'b'], 22],
      [[], 3389],
    ])
  })

  it('refuses unknown fields and bad rows with a report, importing nothing', async () => {
    const before = await t.counts()
    const res = await t.api(
      'batch_create_server',
      {
        servers: [
          { name: 'fine', zone_name: 'default', connection_type: 'SSH', connection_credential_type: 'STATIC', ip_hostname: 'h', port: 22 },
          {
            name: 'bad',
            zone_name: 'default',
            connection_type: 'SSH',
            connection_credential_type: 'STATIC',
            ip_hostname: 'h',
            port: 22,
            enabled: false,
            colour: 'red',
          },
        ],
      },
      admin,
    )
    expect(res.status).toBe(400)
    expect(res.body.rows).toEqual([
      {
        row: 2,
        issues: '(enabled) Unknown field [Extra inputs are not permitted]; (colour) Unknown field [Extra inputs are not permitted]',
      },
    ])
    expect(res.body.error_report_csv.split('\n')[0]).toBe(
      'issues,name,zone_name,connection_type,connection_credential_type,ip_hostname,port,pool_id,assigned_username,windows_service_installed,connection_username,connection_password,sso_username_domain,passphrase,private_key,use_user_private_key,connection_info,max_simultaneous_sessions,max_simultaneous_users,labels,enabled,colour',
    )
    expect(await t.counts()).toEqual(before)
  })

  it('needs exactly one of csv and servers', async () => {
    expect((await t.api('batch_create_server', {}, admin)).body.error_message).toBe('Invalid (body): Give either csv or servers')
    expect((await t.api('batch_create_server', { csv: 'a', servers: [{}] }, admin)).status).toBe(400)
  })
})

describe('who may import', () => {
  it('needs servers_create; read-only keys are refused', async () => {
    const me = await t.seed.plainUser()
    const readOnly = await t.seed.apiKey({ permissions: ['servers_create'], readOnly: true })
    const before = await t.counts()
    expect((await t.api('batch_create_server', { csv: `${HEADER}\n${row('x')}` }, me)).status).toBe(403)
    expect((await t.api('batch_create_server', { csv: `${HEADER}\n${row('x')}` }, { key: readOnly })).status).toBe(403)
    expect((await t.api('batch_create_server', { csv: `${HEADER}\n${row('x')}` }, null)).status).toBe(401)
    expect(await t.counts()).toEqual(before)
    const key = await t.seed.apiKey({ permissions: ['servers_create'] })
    expect((await t.api('batch_create_server', { csv: `${HEADER}\n${row('by-key')}` }, { key })).status).toBe(200)
  })
})
