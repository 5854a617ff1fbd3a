import { sql } from 'drizzle-orm'
import type { DbOrTx, NewServer, ServerRow } from '#schema'
import type { ServerRefs } from './context'

/** How the insert reads a tuple element: as text, cast, or as jsonb (JSON null as SQL NULL). */
type Read = 'text' | 'uuid' | 'boolean' | 'integer' | 'jsonb' | 'jsonb or null'
/** The table's written columns in tuple order: the drizzle key, the SQL column, how it is read. */
const COLUMNS = [
  ['id', 'id', 'uuid'],
  ['name', 'name', 'text'],
  ['enabled', 'enabled', 'boolean'],
  ['zoneId', 'zone_id', 'uuid'],
  ['poolId', 'pool_id', 'uuid'],
  ['assignedUserId', 'assigned_user_id', 'uuid'],
  ['windowsServiceInstalled', 'windows_service_installed', 'boolean'],
  ['connectionType', 'connection_type', 'text'],
  ['credentialType', 'credential_type', 'text'],
  ['host', 'host', 'text'],
  ['port', 'port', 'integer'],
  ['ssoUsernameDomain', 'sso_username_domain', 'text'],
  ['connectionUsername', 'connection_username', 'text'],
  ['connectionPasswordEnc', 'connection_password_enc', 'text'],
  ['privateKeyEnc', 'private_key_enc', 'text'],
  ['passphraseEnc', 'passphrase_enc', 'text'],
  ['useUserPrivateKey', 'use_user_private_key', 'boolean'],
  ['connectionInfo', 'connection_info', 'jsonb or null'],
  ['maxSimultaneousSessions', 'max_simultaneous_sessions', 'integer'],
  ['maxSimultaneousUsers', 'max_simultaneous_users', 'integer'],
  ['labels', 'labels', 'jsonb'],
] as const satisfies readonly (readonly [keyof NewServer, string, Read])[]

/**
 * A server as the insert's jsonb array takes it, in COLUMNS order: ids dashed or in Kasm's 32-digit
 * form (Postgres reads either as uuid), secrets sealed.
 */
export type ServerTuple = [
  id: string,
  name: string,
  enabled: boolean,
  zoneId: string,
  poolId: string | null,
  assignedUserId: string | null,
  windowsServiceInstalled: boolean,
  connectionType: string,
  credentialType: string,
  host: string,
  port: number,
  ssoUsernameDomain: string | null,
  connectionUsername: string | null,
  connectionPasswordEnc: string | null,
  privateKeyEnc: string | null,
  passphraseEnc: string | null,
  useUserPrivateKey: boolean,
  connectionInfo: unknown,
  maxSimultaneousSessions: number,
  maxSimultaneousUsers: number,
  labels: string[],
]

/** A checked row as a table tuple: the one place a server's input fields become its columns. */
export function serverTuple(r: ServerRow, id: string, refs: ServerRefs, secrets: readonly (string | null)[], at = 0): ServerTuple {
  return [
    id,
    r.name,
    r.enabled,
    refs.zones.get(r.zone_name)!,
    r.pool_id,
    r.assigned_username === null ? null : refs.users.get(r.assigned_username.toLowerCase())!,
    r.windows_service_installed,
    r.connection_type,
    r.connection_credential_type,
    r.ip_hostname,
    r.port,
    r.sso_username_domain,
    r.connection_username,
    secrets[at]!,
    secrets[at + 1]!,
    secrets[at + 2]!,
    r.use_user_private_key,
    r.connection_info,
    r.max_simultaneous_sessions,
    r.max_simultaneous_users,
    r.labels,
  ]
}

/** The secrets of a row in the order serverTuple reads them. */
export const rowSecrets = (r: ServerRow) => [r.connection_password, r.private_key, r.passphrase]

/** A tuple as drizzle columns, for an update. */
export function tupleColumns(t: ServerTuple): NewServer {
  return Object.fromEntries(COLUMNS.map(([key], i) => [key, t[i]])) as NewServer
}

const read = (i: number, how: Read) =>
  how === 'text'
    ? `r->>${i}`
    : how === 'jsonb'
      ? `r->${i}`
      : how === 'jsonb or null'
        ? `nullif(r->${i}, 'null'::jsonb)`
        : `(r->>${i})::${how}`
// The rows travel as one jsonb parameter of arrays (no repeated keys to write or parse), which
// Postgres expands itself: far under the 65,535-parameter limit a 10,000-row VALUES list would break.
const HEAD = sql.raw(
  `insert into servers (${COLUMNS.map(([, column]) => column).join(', ')}, created_at, updated_at) select ${COLUMNS.map(([, , how], i) => read(i, how)).join(', ')}, t.at, t.at from jsonb_array_elements(`,
)
const MID = sql.raw('::jsonb) r, (select ')
const TAIL = sql.raw('::timestamptz as at) t')

/** Inserts servers given as the JSON text of a ServerTuple list, all created at `created` (ISO). */
export async function insertServerTuples(db: DbOrTx, json: string, created: string): Promise<void> {
  await db.execute(sql`${HEAD}${json}${MID}${created}${TAIL}`)
}
