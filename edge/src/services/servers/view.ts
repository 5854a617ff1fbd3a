import type { Server } from '#schema'
import { kasmId, kasmIdOrNull } from '../ids'

// What the API shows of a server, in two renderings: SQL that makes Postgres build the JSON (lists,
// one server), and a function over a row we already hold (an import's new rows, whose views are made
// while Postgres inserts the next chunk). Columns are named through `s` (the server), `z`, `p` and
// `u`, which SERVER_JOINS provides.
export type ServerNames = { zoneName: string; poolName: string | null; username: string | null }
type Field = [name: string, sql: string]

const id = (c: string) => `replace(${c}::text, '-', '')`
const iso = (c: string) => `to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

const FIELDS: Field[] = [
  ['server_id', id('s.id')],
  ['name', 's.name'],
  ['enabled', 's.enabled'],
  ['zone_id', id('s.zone_id')],
  ['zone_name', 'z.name'],
  ['pool_id', id('s.pool_id')],
  ['pool_name', 'p.name'],
  ['assigned_user_id', id('s.assigned_user_id')],
  ['assigned_username', 'u.username'],
  ['windows_service_installed', 's.windows_service_installed'],
  ['connection_type', 's.connection_type'],
  ['connection_credential_type', 's.credential_type'],
  ['ip_hostname', 's.host'],
  ['port', 's.port'],
  ['sso_username_domain', 's.sso_username_domain'],
  ['connection_username', 's.connection_username'],
  // Secrets: only whether one is set (DESIGN §7).
  ['connection_password_set', 's.connection_password_enc is not null'],
  ['private_key_set', 's.private_key_enc is not null'],
  ['passphrase_set', 's.passphrase_enc is not null'],
  ['use_user_private_key', 's.use_user_private_key'],
  ['connection_info', 's.connection_info'],
  ['max_simultaneous_sessions', 's.max_simultaneous_sessions'],
  ['max_simultaneous_users', 's.max_simultaneous_users'],
  ['labels', 's.labels'],
  ['created', iso('s.created_at')],
]

export const SERVER_VIEW = `json_build_object(${FIELDS.map(([name, sql]) => `'${name}', ${sql}`).join(', ')})`
export const SERVER_JOINS = 'join zones z on z.id = s.zone_id left join server_pools p on p.id = s.pool_id left join users u on u.id = s.assigned_user_id'

/** The same view of a row we hold, as one object literal (a fixed shape serialises fast); a test keeps the two equal. */
export function serverView(s: Server, names: ServerNames) {
  return {
    server_id: kasmId(s.id),
    name: s.name,
    enabled: s.enabled,
    zone_id: kasmId(s.zoneId),
    zone_name: names.zoneName,
    pool_id: kasmIdOrNull(s.poolId),
    pool_name: names.poolName,
    assigned_user_id: kasmIdOrNull(s.assignedUserId),
    assigned_username: names.username,
    windows_service_installed: s.windowsServiceInstalled,
    connection_type: s.connectionType,
    connection_credential_type: s.credentialType,
    ip_hostname: s.host,
    port: s.port,
    sso_username_domain: s.ssoUsernameDomain,
    connection_username: s.connectionUsername,
    connection_password_set: s.connectionPasswordEnc !== null,
    private_key_set: s.privateKeyEnc !== null,
    passphrase_set: s.passphraseEnc !== null,
    use_user_private_key: s.useUserPrivateKey,
    connection_info: s.connectionInfo,
    max_simultaneous_sessions: s.maxSimultaneousSessions,
    max_simultaneous_users: s.maxSimultaneousUsers,
    labels: s.labels,
    created: s.createdAt.toISOString(),
  }
}
