import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import { checkServerRow, csvRowChecker, SERVER_CSV_COLUMN_SET, SERVER_CSV_COLUMNS, serverRowSchema, type ServerRowContext } from '#schema'
import { SEED_ERROR_REPORT, SEED_VALID_SAMPLE } from '../fixtures/seed-004'

// The import checks a file's records with csvRowChecker, everything else with checkServerRow: both
// must answer alike (values, issues and their order) for any record under any header.
const POOL = '11111111-2222-3333-4444-555555555555'
const ctx: ServerRowContext = {
  zones: new Map([['default', 'zone-id']]),
  pools: new Map([[POOL, { type: 'Server' }]]),
  users: new Map([['user@kasm.local', 'user-id']]),
}
const asObject = (header: readonly string[], fields: readonly string[]) => {
  const out: Record<string, string | null> = {}
  for (let i = 0; i < header.length && i < fields.length; i++) out[header[i]!] = fields[i] === '' ? null : fields[i]!
  return out
}
const parse = (csv: string) => Papa.parse<string[]>(csv.trim(), { delimiter: ',' }).data

function expectSameAnswers(header: string[], records: string[][]) {
  // Fresh schemas each side, and every record twice: the second answer comes from the memories.
  const fast = csvRowChecker(serverRowSchema(ctx), header)
  const plain = serverRowSchema(ctx)
  for (const fields of [...records, ...records]) {
    expect(fast(fields), fields.join(',')).toEqual(checkServerRow(plain, asObject(header, fields), SERVER_CSV_COLUMN_SET))
  }
}

describe('csvRowChecker answers as checkServerRow does', () => {
  it('for the seed’s samples, ragged rows included', () => {
    const [header, ...records] = parse(SEED_VALID_SAMPLE)
    expectSameAnswers(header!, records)
    const [reportHeader, ...reported] = parse(SEED_ERROR_REPORT)
    expectSameAnswers(
      reportHeader!.slice(1),
      reported.map((r) => r.slice(1)),
    )
  })

  it('for every kind of value, valid and not, under the full header', () => {
    const h = [...SERVER_CSV_COLUMNS]
    const base: Record<string, string> = {
      name: 'n',
      zone_name: 'default',
      connection_type: 'SSH',
      connection_credential_type: 'STATIC',
      ip_hostname: 'h',
      port: '22',
    }
    const row = (over: Record<string, string>) => h.map((c) => over[c] ?? base[c] ?? '')
    expectSameAnswers(h, [
      row({}),
      row({
        connection_type: 'rdp',
        connection_credential_type: 'static',
        port: ' 3389 ',
        windows_service_installed: 'Yes',
        labels: 'a, b,,a',
      }),
      row({ connection_type: 'Telnet', port: '-1', max_simultaneous_sessions: '0', connection_info: '{broken' }),
      row({ port: '22.5', max_simultaneous_users: 'many', use_user_private_key: 'maybe', pool_id: 'not-a-uuid' }),
      row({ zone_name: 'nowhere', assigned_username: 'USER@kasm.local' }),
      row({ assigned_username: 'user@kasm.local', pool_id: POOL.replaceAll('-', '').toUpperCase() }),
      row({ assigned_username: 'nobody@kasm.local', pool_id: '99999999-2222-3333-4444-555555555555' }),
      row({ connection_info: '{"guac":{"type":"ssh","settings":{"command":"tmux a || tmux"}}}' }),
      row({ connection_info: '{"guac":{"type":"rdp","settings":{}}}', connection_type: 'VNC' }),
      row({ connection_type: 'KasmVNC', connection_username: 'u' }),
      row({ connection_credential_type: 'SSO_CREATE_USER' }),
      row({ name: 'x'.repeat(256), ip_hostname: 'no spaces allowed', sso_username_domain: 'acme.local\\' }),
    ])
  })

  it('for headers that omit optional columns or order them differently', () => {
    expectSameAnswers(
      ['port', 'ip_hostname', 'connection_credential_type', 'connection_type', 'zone_name', 'name'],
      [
        ['22', 'h', 'STATIC', 'SSH', 'default', 'n'],
        ['', '', '', '', '', ''],
        ['22', 'h'],
      ],
    )
    expectSameAnswers(['name', 'labels'], [['n', 'a,b'], ['n']])
  })
})
