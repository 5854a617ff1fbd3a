// What the API shows of a server, in two renderings: SQL that makes Postgres build the JSON (lists,
// one server), here, and JS over rows we already hold (an import's new rows, whose views are made
// while Postgres inserts the next chunk), in batch.ts. Columns are named through `s` (the server),
// `z`, `p` and `u`, which SERVER_JOINS provides.
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
  // Secrets: only whether one is set (docs/security.md#write-only-secrets).
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
export const SERVER_JOINS =
  'join zones z on z.id = s.zone_id left join server_pools p on p.id = s.pool_id left join users u on u.id = s.assigned_user_id'
