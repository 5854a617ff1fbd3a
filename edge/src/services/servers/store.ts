import { sql } from 'drizzle-orm'
import type { DbOrTx, Server, ServerRow } from '#schema'
import type { SecretKeyRing } from '../secrets'
import { encryptSecrets } from '../secrets'
import type { ServerRefs } from './context'

/** Validated rows as table rows, secrets encrypted under one key. */
export async function toServers(ring: SecretKeyRing, rows: readonly ServerRow[], refs: ServerRefs, now: Date): Promise<Server[]> {
  const secrets = await encryptSecrets(ring, rows.flatMap((r) => [r.connection_password, r.private_key, r.passphrase]))
  return rows.map((r, i) => ({
    id: crypto.randomUUID(),
    name: r.name,
    enabled: r.enabled,
    zoneId: refs.zones.get(r.zone_name)!,
    poolId: r.pool_id,
    assignedUserId: r.assigned_username === null ? null : refs.users.get(r.assigned_username.toLowerCase())!,
    windowsServiceInstalled: r.windows_service_installed,
    connectionType: r.connection_type,
    credentialType: r.connection_credential_type,
    host: r.ip_hostname,
    port: r.port,
    ssoUsernameDomain: r.sso_username_domain,
    connectionUsername: r.connection_username,
    connectionPasswordEnc: secrets[i * 3] ?? null,
    privateKeyEnc: secrets[i * 3 + 1] ?? null,
    passphraseEnc: secrets[i * 3 + 2] ?? null,
    useUserPrivateKey: r.use_user_private_key,
    connectionInfo: r.connection_info,
    maxSimultaneousSessions: r.max_simultaneous_sessions,
    maxSimultaneousUsers: r.max_simultaneous_users,
    labels: r.labels,
    createdAt: now,
    updatedAt: now,
  }))
}

// The rows travel as one jsonb parameter of arrays (no repeated keys to write or parse), which
// Postgres expands itself: far under the 65,535-parameter limit a 10,000-row VALUES list would break.
const HEAD = sql.raw('insert into servers (id, name, enabled, zone_id, pool_id, assigned_user_id, windows_service_installed, connection_type, credential_type, host, port, sso_username_domain, connection_username, connection_password_enc, private_key_enc, passphrase_enc, use_user_private_key, connection_info, max_simultaneous_sessions, max_simultaneous_users, labels, created_at, updated_at) select (r->>0)::uuid, r->>1, (r->>2)::boolean, (r->>3)::uuid, (r->>4)::uuid, (r->>5)::uuid, (r->>6)::boolean, r->>7, r->>8, r->>9, (r->>10)::integer, r->>11, r->>12, r->>13, r->>14, r->>15, (r->>16)::boolean, nullif(r->17, \'null\'::jsonb), (r->>18)::integer, (r->>19)::integer, r->20, t.at, t.at from jsonb_array_elements(')
const MID = sql.raw('::jsonb) r, (select ')
const TAIL = sql.raw('::timestamptz as at) t')

/**
 * A server as the insert statement's jsonb array takes it: the table's columns in HEAD's order, ids
 * dashed or in Kasm's 32-digit form (Postgres reads either as uuid), secrets sealed.
 */
export type ServerTuple = [
  id: string, name: string, enabled: boolean, zoneId: string, poolId: string | null, assignedUserId: string | null,
  windowsServiceInstalled: boolean, connectionType: string, credentialType: string, host: string, port: number,
  ssoUsernameDomain: string | null, connectionUsername: string | null, connectionPasswordEnc: string | null,
  privateKeyEnc: string | null, passphraseEnc: string | null, useUserPrivateKey: boolean, connectionInfo: unknown,
  maxSimultaneousSessions: number, maxSimultaneousUsers: number, labels: string[],
]

/** Inserts any number of servers in one statement. */
export async function insertServers(db: DbOrTx, rows: readonly Server[]): Promise<void> {
  if (rows.length === 0) return
  const tuples = rows.map((s): ServerTuple => [
    s.id, s.name, s.enabled, s.zoneId, s.poolId, s.assignedUserId, s.windowsServiceInstalled, s.connectionType, s.credentialType,
    s.host, s.port, s.ssoUsernameDomain, s.connectionUsername, s.connectionPasswordEnc, s.privateKeyEnc, s.passphraseEnc,
    s.useUserPrivateKey, s.connectionInfo, s.maxSimultaneousSessions, s.maxSimultaneousUsers, s.labels,
  ])
  // One creation time for the statement's rows (toServers gives them all the same one).
  await insertServerTuples(db, JSON.stringify(tuples), rows[0]!.createdAt.toISOString())
}

/** Inserts servers given as the JSON text of a ServerTuple list, all created at `created` (ISO). */
export async function insertServerTuples(db: DbOrTx, json: string, created: string): Promise<void> {
  await db.execute(sql`${HEAD}${json}${MID}${created}${TAIL}`)
}
