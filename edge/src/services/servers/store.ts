import { sql } from 'drizzle-orm'
import type { DbOrTx, Server, ServerRow } from '#schema'
import type { SecretKeyRing } from '../secrets'
import { encryptSecrets } from '../secrets'
import type { ServerRefs } from './context'

/** Validated rows as table rows, secrets encrypted under one imported key. */
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

/**
 * Inserts any number of servers in one statement: the rows travel as one JSON parameter that
 * Postgres expands with json_to_recordset, which stays close to COPY speed and far under the
 * 65,535-parameter limit that a 10,000-row VALUES list would break.
 */
export async function insertServers(db: DbOrTx, rows: readonly Server[]): Promise<void> {
  if (rows.length === 0) return
  const json = JSON.stringify(rows.map((s) => ({
    id: s.id, name: s.name, enabled: s.enabled, zone_id: s.zoneId, pool_id: s.poolId, assigned_user_id: s.assignedUserId,
    windows_service_installed: s.windowsServiceInstalled, connection_type: s.connectionType, credential_type: s.credentialType,
    host: s.host, port: s.port, sso_username_domain: s.ssoUsernameDomain, connection_username: s.connectionUsername,
    connection_password_enc: s.connectionPasswordEnc, private_key_enc: s.privateKeyEnc, passphrase_enc: s.passphraseEnc,
    use_user_private_key: s.useUserPrivateKey, connection_info: s.connectionInfo, max_simultaneous_sessions: s.maxSimultaneousSessions,
    max_simultaneous_users: s.maxSimultaneousUsers, labels: s.labels, created_at: s.createdAt.toISOString(),
  })))
  await db.execute(sql`
    insert into servers (id, name, enabled, zone_id, pool_id, assigned_user_id, windows_service_installed, connection_type,
      credential_type, host, port, sso_username_domain, connection_username, connection_password_enc, private_key_enc,
      passphrase_enc, use_user_private_key, connection_info, max_simultaneous_sessions, max_simultaneous_users, labels,
      created_at, updated_at)
    select id, name, enabled, zone_id, pool_id, assigned_user_id, windows_service_installed, connection_type,
      credential_type, host, port, sso_username_domain, connection_username, connection_password_enc, private_key_enc,
      passphrase_enc, use_user_private_key, connection_info, max_simultaneous_sessions, max_simultaneous_users, labels,
      created_at, created_at
    from json_to_recordset(${json}::json) as x(id uuid, name text, enabled boolean, zone_id uuid, pool_id uuid,
      assigned_user_id uuid, windows_service_installed boolean, connection_type text, credential_type text, host text,
      port integer, sso_username_domain text, connection_username text, connection_password_enc text,
      private_key_enc text, passphrase_enc text, use_user_private_key boolean, connection_info jsonb,
      max_simultaneous_sessions integer, max_simultaneous_users integer, labels jsonb, created_at timestamptz)`)
}
