// The server form's state and the rules that shape it: which fields a server of this kind shows,
// the row the shared rules check, and what create_server / update_server are sent.
import { dashedId, type ServerPool, type ServerView } from './model'

/**
 * A write-only secret: `keep` the one the edge holds (never shown, never sent), `clear` it, or the
 * `typed` value (empty means none). Only a server that has one starts in `keep`.
 */
export type Secret = { mode: 'keep' | 'clear' | 'typed'; value: string }
export const SECRET_FIELDS = ['connection_password', 'private_key', 'passphrase'] as const
export type SecretField = (typeof SECRET_FIELDS)[number]

export type ServerForm = {
  enabled: boolean
  name: string
  zone_name: string
  pool_id: string
  assigned_username: string
  windows_service_installed: boolean
  connection_type: string
  connection_credential_type: string
  ip_hostname: string
  port: string
  sso_username_domain: string
  connection_username: string
  use_user_private_key: boolean
  connection_info: string
  max_simultaneous_sessions: string
  max_simultaneous_users: string
  labels: string
} & Record<SecretField, Secret>

export const blankForm = (zone: string): ServerForm => ({
  enabled: true,
  name: '',
  zone_name: zone,
  pool_id: '',
  assigned_username: '',
  windows_service_installed: false,
  connection_type: 'RDP',
  connection_credential_type: 'STATIC',
  ip_hostname: '',
  port: '',
  sso_username_domain: '',
  connection_username: '',
  use_user_private_key: false,
  connection_info: '',
  max_simultaneous_sessions: '1',
  max_simultaneous_users: '1',
  labels: '',
  connection_password: { mode: 'typed', value: '' },
  private_key: { mode: 'typed', value: '' },
  passphrase: { mode: 'typed', value: '' },
})

export const formOf = (s: ServerView): ServerForm => ({
  enabled: s.enabled,
  name: s.name,
  zone_name: s.zone_name,
  pool_id: s.pool_id ? dashedId(s.pool_id) : '',
  assigned_username: s.assigned_username ?? '',
  windows_service_installed: s.windows_service_installed,
  connection_type: s.connection_type,
  connection_credential_type: s.connection_credential_type,
  ip_hostname: s.ip_hostname,
  port: String(s.port),
  sso_username_domain: s.sso_username_domain ?? '',
  connection_username: s.connection_username ?? '',
  use_user_private_key: s.use_user_private_key,
  connection_info: s.connection_info ? JSON.stringify(s.connection_info, null, 2) : '',
  max_simultaneous_sessions: String(s.max_simultaneous_sessions),
  max_simultaneous_users: String(s.max_simultaneous_users),
  labels: s.labels.join(', '),
  connection_password: { mode: s.connection_password_set ? 'keep' : 'typed', value: '' },
  private_key: { mode: s.private_key_set ? 'keep' : 'typed', value: '' },
  passphrase: { mode: s.passphrase_set ? 'keep' : 'typed', value: '' },
})

/** Fields only some servers have (the Create Server table in Kasm's docs: Servers); the rest are always shown. */
export function hiddenFields(f: ServerForm, pools: readonly ServerPool[]): Set<string> {
  const hidden = new Set<string>()
  // "Only visible with Static Credentials Connection Credential Type."
  if (f.connection_credential_type !== 'STATIC') hidden.add('connection_username').add('connection_password')
  // "This only applies to the SSH Connection type."
  if (f.connection_type !== 'SSH') hidden.add('private_key').add('passphrase').add('use_user_private_key')
  // "This field applies when Connection Credential Type is set to SSO User Accounts."
  if (!f.connection_credential_type.startsWith('SSO_')) hidden.add('sso_username_domain')
  // "Only available for members of Server type Pools."
  const pool = pools.find((p) => dashedId(p.server_pool_id) === f.pool_id)
  if (pool?.server_pool_type !== 'Server') hidden.add('assigned_username')
  return hidden
}

/**
 * Stands in for a stored secret while checking, so "a password is required" rules see that one is
 * set. It is never sent; a key check on it means nothing, so those results are dropped (see below).
 */
export const STORED = '\u0000stored'

/** The row the shared rules check: every column, hidden ones empty so they neither count nor block. */
export function rowOf(f: ServerForm, hidden: ReadonlySet<string>): Record<string, unknown> {
  const secret = (s: Secret) => (s.mode === 'keep' ? STORED : s.mode === 'clear' ? '' : s.value)
  const row: Record<string, unknown> = {
    name: f.name,
    zone_name: f.zone_name,
    connection_type: f.connection_type,
    connection_credential_type: f.connection_credential_type,
    ip_hostname: f.ip_hostname,
    port: f.port,
    pool_id: f.pool_id,
    assigned_username: f.assigned_username,
    windows_service_installed: f.windows_service_installed,
    connection_username: f.connection_username,
    connection_password: secret(f.connection_password),
    sso_username_domain: f.sso_username_domain,
    passphrase: secret(f.passphrase),
    private_key: secret(f.private_key),
    use_user_private_key: f.use_user_private_key,
    connection_info: f.connection_info,
    max_simultaneous_sessions: f.max_simultaneous_sessions,
    max_simultaneous_users: f.max_simultaneous_users,
    labels: f.labels,
    enabled: f.enabled,
  }
  for (const k of hidden) row[k] = typeof row[k] === 'boolean' ? false : ''
  return row
}

/** Blank text is null, as the edge reads it (Kasm's docs: Servers); a stored secret is left out, which keeps it. */
const wire = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([, x]) => x !== STORED)
      .map(([k, x]) => [k, x === '' ? null : x]),
  )

/** create_server's target_server. */
export const createTarget = (row: Record<string, unknown>) => wire(row)

/**
 * update_server's changes: the columns that differ from the saved server. A field that became
 * hidden, or a secret the admin cleared, is sent as null, so the edge clears it rather than keeping
 * a value that no longer applies (a kept secret is absent from both sides, so never sent).
 */
export function updateChanges(initial: Record<string, unknown>, row: Record<string, unknown>): Record<string, unknown> {
  const before = wire(initial)
  const changes: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(wire(row)))
    if (JSON.stringify(x) !== JSON.stringify(before[k] ?? null) || !(k in before)) changes[k] = x
  return changes
}
