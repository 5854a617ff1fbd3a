import { describe, expect, it } from 'vitest'
import { formatIssues, serverRowSchema, ssoUsername, validateServerRow, type ServerRowContext } from '#schema'

const POOL = '11111111-2222-3333-4444-555555555555'
const AGENT_POOL = '66666666-7777-8888-9999-000000000000'
const ctx: ServerRowContext = {
  zones: new Map([['default', 'zone-id']]),
  pools: new Map([
    [POOL, { type: 'Server' }],
    [AGENT_POOL, { type: 'Docker Agent' }],
  ]),
  users: new Map([['alice@example.com', 'user-id']]),
}
const schema = serverRowSchema(ctx)
const base = { name: 's', zone_name: 'default', ip_hostname: '10.0.0.1', port: '22' }
/** The report text for one row, or '' when it is valid. */
async function report(row: Record<string, unknown>): Promise<string> {
  const r = await validateServerRow(schema, { ...base, ...row })
  return r.ok ? '' : formatIssues(r.issues)
}
const combo = (fields: string, raw: string) => `(${fields}) Invalid combination [${raw}]`

describe('SSO domain (seed 004)', () => {
  it.each([
    ['john.smith@acme.com', 'localhost', 'john.smith'],
    ['john.smith@acme.com', 'LOCALHOST', 'john.smith'],
    ['john.smith@acme.com', 'acme.local\\', 'acme.local\\john.smith'],
    ['john.smith@acme.com', 'acme.local', 'john.smith@acme.local'],
    ['john.smith', 'acme.local', 'john.smith@acme.local'],
    ['john.smith', 'localhost', 'john.smith'],
    ['john.smith@acme.com', null, 'john.smith@acme.com'],
    ['john.smith@acme.com', '', 'john.smith@acme.com'],
  ])('%s with %s is %s', (user, domain, expected) => expect(ssoUsername(user, domain)).toBe(expected))
})

type Case = readonly [Record<string, unknown>, string]
describe('valid credential type combinations (seed 004)', () => {
  it.each<Case>([
    // KasmVNC: STATIC with username and password, nothing else.
    [{ connection_type: 'KasmVNC', connection_credential_type: 'STATIC', connection_username: 'u', connection_password: 'p' }, ''],
    [
      { connection_type: 'KasmVNC', connection_credential_type: 'STATIC', connection_username: 'u' },
      combo('connection_username, connection_password', 'KasmVNC connections require a connection_username and connection_password'),
    ],
    [
      { connection_type: 'KasmVNC', connection_credential_type: 'PROMPT_USER' },
      combo('connection_type, connection_credential_type', 'KasmVNC connections require STATIC credentials'),
    ],
    // RDP: every type; SSO_CREATE_USER needs the Kasm Desktop Service.
    ...['STATIC', 'SSO_USERNAME', 'SMARTCARD', 'PROMPT_USER'].map(
      (c) => [{ connection_type: 'RDP', connection_credential_type: c }, ''] as Case,
    ),
    [{ connection_type: 'RDP', connection_credential_type: 'SSO_CREATE_USER', windows_service_installed: 'true' }, ''],
    [
      { connection_type: 'RDP', connection_credential_type: 'SSO_CREATE_USER' },
      combo(
        'connection_credential_type, windows_service_installed',
        'SSO_CREATE_USER credentials require windows_service_installed to be true',
      ),
    ],
    // VNC: STATIC only.
    [{ connection_type: 'VNC', connection_credential_type: 'STATIC', connection_password: 'p' }, ''],
    ...['SSO_CREATE_USER', 'SSO_USERNAME', 'SMARTCARD', 'PROMPT_USER'].map(
      (c) =>
        [
          { connection_type: 'VNC', connection_credential_type: c, windows_service_installed: true },
          combo('connection_type, connection_credential_type', 'VNC connections only support STATIC credentials'),
        ] as Case,
    ),
    // SSH: STATIC and SSO_USERNAME.
    [{ connection_type: 'SSH', connection_credential_type: 'STATIC' }, ''],
    [{ connection_type: 'SSH', connection_credential_type: 'SSO_USERNAME', use_user_private_key: 'true' }, ''],
    ...['SSO_CREATE_USER', 'SMARTCARD', 'PROMPT_USER'].map(
      (c) =>
        [
          { connection_type: 'SSH', connection_credential_type: c, windows_service_installed: true },
          combo('connection_type, connection_credential_type', 'SSH connections support STATIC and SSO_USERNAME credentials'),
        ] as Case,
    ),
  ])('%o → %s', async (row, expected) => expect(await report(row)).toBe(expected))

  it('keeps usernames, passwords and keys to the connections they apply to', async () => {
    expect(await report({ connection_type: 'RDP', connection_credential_type: 'SSO_USERNAME', connection_password: 'p' })).toBe(
      combo(
        'connection_credential_type, connection_username, connection_password',
        'A connection username and password apply only to STATIC credentials',
      ),
    )
    expect(await report({ connection_type: 'RDP', connection_credential_type: 'STATIC', private_key: 'k' })).toBe(
      combo('connection_type, private_key', 'A private key applies only to SSH connections'),
    )
    expect(await report({ connection_type: 'VNC', connection_credential_type: 'STATIC', use_user_private_key: 'TRUE' })).toBe(
      combo('connection_type, use_user_private_key', "The user's SSH key applies only to SSH connections"),
    )
    expect(await report({ connection_type: 'SSH', connection_credential_type: 'STATIC', passphrase: 'x' })).toBe(
      combo('passphrase, private_key', 'A passphrase needs a private key'),
    )
  })

  it('assigns a user only within a Server pool', async () => {
    const ssh = { connection_type: 'SSH', connection_credential_type: 'STATIC', assigned_username: 'Alice@Example.com' }
    expect(await report({ ...ssh, pool_id: POOL })).toBe('')
    expect(await report({ ...ssh, pool_id: POOL.replaceAll('-', '').toUpperCase() })).toBe('')
    const needsPool = combo('assigned_username, pool_id', 'User assignment requires a Server Pool')
    expect(await report(ssh)).toBe(needsPool)
    expect(await report({ ...ssh, pool_id: AGENT_POOL })).toBe(needsPool)
  })

  it('matches connection info to the connection type', async () => {
    const info = (type: string) => JSON.stringify({ guac: { type, settings: { 'font-size': '11' } } })
    expect(await report({ connection_type: 'SSH', connection_credential_type: 'STATIC', connection_info: info('ssh') })).toBe('')
    expect(await report({ connection_type: 'RDP', connection_credential_type: 'STATIC', connection_info: info('ssh') })).toBe(
      combo('connection_info, connection_type', 'Connection info of type ssh does not fit a RDP connection'),
    )
  })
})

describe('field rules and their messages', () => {
  const ok = { connection_type: 'ssh', connection_credential_type: 'Static' }
  it('matches enum values without regard to case and stores the canonical spelling', async () => {
    const r = await validateServerRow(schema, {
      ...base,
      ...ok,
      connection_type: 'kasmvnc',
      connection_username: 'u',
      connection_password: 'p',
    })
    expect(r.ok && [r.value.connection_type, r.value.connection_credential_type]).toEqual(['KasmVNC', 'STATIC'])
  })

  it('applies the schema table defaults', async () => {
    const r = await validateServerRow(schema, { ...base, ...ok })
    expect(r.ok && r.value).toMatchObject({
      pool_id: null,
      assigned_username: null,
      windows_service_installed: false,
      use_user_private_key: false,
      connection_info: null,
      max_simultaneous_sessions: 1,
      max_simultaneous_users: 1,
      labels: [],
      enabled: true,
    })
  })

  it.each<Case>([
    [{ port: 'abc' }, '(port) Wrong data type [Input should be a valid integer, unable to parse string as an integer]'],
    [{ port: '2.5' }, '(port) Wrong data type [Input should be a valid integer, unable to parse string as an integer]'],
    [{ port: 65_536 }, '(port) Value is too large [Input should be less than or equal to 65535]'],
    [
      { windows_service_installed: 'maybe' },
      '(windows_service_installed) Wrong data type [Input should be a valid boolean, unable to interpret input]',
    ],
    [{ pool_id: 'not-a-uuid' }, '(pool_id) Invalid UUID [Input should be a valid UUID]'],
    [
      { pool_id: '99999999-2222-3333-4444-555555555555' },
      '(pool_id) Required resource does not exist [ServerPool(99999999-2222-3333-4444-555555555555) does not exist]',
    ],
    [{ assigned_username: 'nobody', pool_id: POOL }, '(assigned_username) Required resource does not exist [User(nobody) does not exist]'],
    [{ ip_hostname: 'two words' }, '(ip_hostname) Invalid value [Value should be an IP address or host name without spaces]'],
    [{ name: 'x'.repeat(256) }, '(name) Value is too long [String should have at most 255 characters]'],
    [
      { connection_info: '{"guac": {"type": "ssh"}}' },
      '(connection_info) Invalid connection info [Value should be {"guac": {"type": "rdp", "vnc" or "ssh", "settings": {<name>: <text, number or boolean>}}}]',
    ],
    [
      { connection_info: '[1,2]' },
      '(connection_info) Invalid connection info [Value should be {"guac": {"type": "rdp", "vnc" or "ssh", "settings": {<name>: <text, number or boolean>}}}]',
    ],
    [{ connection_info: '{test' }, '(connection_info) Invalid JSON [Value is not a valid JSON string]'],
    [{ surprise: 'x' }, '(surprise) Unknown field [Extra inputs are not permitted]'],
    [{ port: 22.5 }, '(port) Wrong data type [Input should be a valid integer]'],
    [{ port: true }, '(port) Wrong data type [Input should be a valid integer]'],
    [{ use_user_private_key: 1 }, '(use_user_private_key) Wrong data type [Input should be a valid boolean, unable to interpret input]'],
  ])('%o → %s', async (row, expected) => expect(await report({ ...ok, ...row })).toBe(expected))

  it('names a missing required field', async () => {
    const r = await validateServerRow(schema, {
      zone_name: 'default',
      connection_type: 'SSH',
      connection_credential_type: 'STATIC',
      ip_hostname: 'h',
      port: 22,
    })
    expect(r.ok ? '' : formatIssues(r.issues)).toBe('(name) Missing value [Field required]')
  })

  it('accepts both seed 004 connection-info examples and splits labels', async () => {
    const tmux = {
      guac: {
        type: 'ssh',
        settings: {
          'font-size': '11',
          'color-scheme': 'gray-black',
          'font-name': 'monospace',
          scrollback: '1000',
          command: 'tmux a || tmux',
        },
      },
    }
    const screen = { guac: { type: 'ssh', settings: { command: 'screen -R my_session' } } }
    for (const info of [JSON.stringify(tmux), screen]) {
      const r = await validateServerRow(schema, { ...base, ...ok, connection_info: info, labels: ' a, b,,a ' })
      expect(r.ok && [r.value.connection_info, r.value.labels]).toEqual([typeof info === 'string' ? tmux : screen, ['a', 'b']])
    }
  })
})
