// Server enums without drizzle, so the dashboard can bundle the row rules without the table code.
export const CONNECTION_TYPES = ['KasmVNC', 'RDP', 'VNC', 'SSH'] as const
export type ConnectionType = (typeof CONNECTION_TYPES)[number]
export const CREDENTIAL_TYPES = ['STATIC', 'SSO_CREATE_USER', 'SSO_USERNAME', 'SMARTCARD', 'PROMPT_USER'] as const
export type CredentialType = (typeof CREDENTIAL_TYPES)[number]
/** Kasm's pool types: a Server pool groups fixed servers (and allows user-server assignment). */
export const SERVER_POOL_TYPES = ['Server', 'Docker Agent'] as const
export type ServerPoolType = (typeof SERVER_POOL_TYPES)[number]

/** Guacamole's connection settings for a server (Kasm's docs: Servers, "Connection Info"). */
export type ConnectionInfo = { guac: { type: string; settings: Record<string, string | number | boolean> } }

/** The Server CSV Schema's columns, in the order of Kasm's docs: Servers. */
export const SERVER_CSV_COLUMNS = [
  'name',
  'zone_name',
  'connection_type',
  'connection_credential_type',
  'ip_hostname',
  'port',
  'pool_id',
  'assigned_username',
  'windows_service_installed',
  'connection_username',
  'connection_password',
  'sso_username_domain',
  'passphrase',
  'private_key',
  'use_user_private_key',
  'connection_info',
  'max_simultaneous_sessions',
  'max_simultaneous_users',
  'labels',
] as const
export type ServerColumn = (typeof SERVER_CSV_COLUMNS)[number]
/** The same columns, for lookups. */
export const SERVER_CSV_COLUMN_SET: ReadonlySet<string> = new Set(SERVER_CSV_COLUMNS)
export const REQUIRED_SERVER_COLUMNS: readonly ServerColumn[] = [
  'name',
  'zone_name',
  'connection_type',
  'connection_credential_type',
  'ip_hostname',
  'port',
]
