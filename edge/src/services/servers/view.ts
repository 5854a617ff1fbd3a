import type { Server } from '#schema'
import { iso, kasmId, kasmIdOrNull } from '../ids'

export type ServerNames = { zoneName: string; poolName: string | null; username: string | null }

/** A server as the API shows it: secrets only as "is one set". */
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
    created: iso(s.createdAt),
  }
}
export type ServerView = ReturnType<typeof serverView>
