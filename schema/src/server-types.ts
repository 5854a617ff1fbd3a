// A server's fields, each stated once (the catalogue below), and the server enums: drizzle-free, so the
// dashboard bundles them with the row rules. The table (tables/servers.ts) declares the columns; the
// CSV columns, the row rules, the insert, the response view and the dashboard form derive from here.
import * as v from 'valibot'
import {
  connectionInfo,
  enumField,
  exists,
  flag,
  hostname,
  integer,
  labels,
  optionalText,
  remembered,
  text,
  uuid,
} from './inputs/servers/fields'
import type { ServerRowContext } from './inputs/servers/row'

export const CONNECTION_TYPES = ['KasmVNC', 'RDP', 'VNC', 'SSH'] as const
export type ConnectionType = (typeof CONNECTION_TYPES)[number]
export const CREDENTIAL_TYPES = ['STATIC', 'SSO_CREATE_USER', 'SSO_USERNAME', 'SMARTCARD', 'PROMPT_USER'] as const
export type CredentialType = (typeof CREDENTIAL_TYPES)[number]
/** Kasm's pool types: a Server pool groups fixed servers (and allows user-server assignment). */
export const SERVER_POOL_TYPES = ['Server', 'Docker Agent'] as const
export type ServerPoolType = (typeof SERVER_POOL_TYPES)[number]

/** Guacamole's connection settings for a server (Kasm's docs: Servers, "Connection Info"). */
export type ConnectionInfo = { guac: { type: string; settings: Record<string, string | number | boolean> } }

/**
 * What a server field refers to, and how the API shows the reference: by the id column plus the
 * other row's name, joined as `alias` (an inner join for a required reference).
 */
export const SERVER_REFS = {
  zone: { table: 'zones', alias: 'z', shown: 'name', id: 'zone_id', name: 'zone_name' },
  pool: { table: 'server_pools', alias: 'p', shown: 'name', id: 'pool_id', name: 'pool_name' },
  user: { table: 'users', alias: 'u', shown: 'username', id: 'assigned_user_id', name: 'assigned_username' },
} as const
export type ServerRefKind = keyof typeof SERVER_REFS

/** How a field is stored, as the bulk insert reads it from JSON: text, cast, or jsonb (JSON null as SQL NULL). */
export type StoredAs = 'text' | 'uuid' | 'boolean' | 'integer' | 'jsonb' | 'jsonb or null'

/** One server field: its table column, how it is stored, and what the API, the CSV and the rules make of it. */
export type ServerFieldSpec = {
  /** The table's column (SQL name). */
  column: string
  stored: StoredAs
  /** Its place among the Server CSV Schema's columns (Kasm's docs: Servers); absent when it is not a column. */
  csv?: number
  /** A column every file must have. */
  required?: true
  /** Write-only: encrypted at rest, shown only as `<name>_set` (docs/security.md#write-only-secrets). */
  secret?: true
  /** The field names a zone, pool or user: stored as its id, shown with its name. */
  ref?: ServerRefKind
  /** The field's rule (schema/src/inputs/servers/fields.ts), given what rows may refer to. */
  rule: (ctx: ServerRowContext) => v.GenericSchema
}

/**
 * A server's fields by API (and CSV) name, in the table's column order, which the view follows.
 * Fields whose values repeat across an import are `remembered`; names, hosts and secrets are not.
 */
export const SERVER_FIELDS = {
  name: { column: 'name', stored: 'text', csv: 1, required: true, rule: () => text(255) },
  // Not a CSV column: create_server and update_server may set it.
  enabled: { column: 'enabled', stored: 'boolean', rule: () => v.nullish(flag, true) },
  zone_name: {
    column: 'zone_id',
    stored: 'uuid',
    csv: 2,
    required: true,
    ref: 'zone',
    rule: (ctx) => remembered(exists(text(255), (n) => ctx.zones.has(n), 'Zone')),
  },
  pool_id: {
    column: 'pool_id',
    stored: 'uuid',
    csv: 7,
    ref: 'pool',
    rule: (ctx) =>
      remembered(
        v.nullish(
          exists(uuid, (id) => ctx.pools.has(id), 'ServerPool'),
          null,
        ),
      ),
  },
  assigned_username: {
    column: 'assigned_user_id',
    stored: 'uuid',
    csv: 8,
    ref: 'user',
    rule: (ctx) =>
      remembered(
        v.nullish(
          exists(text(255), (u) => ctx.users.has(u.toLowerCase()), 'User'),
          null,
        ),
      ),
  },
  windows_service_installed: { column: 'windows_service_installed', stored: 'boolean', csv: 9, rule: () => remembered(flag) },
  connection_type: {
    column: 'connection_type',
    stored: 'text',
    csv: 3,
    required: true,
    rule: () => remembered(enumField(CONNECTION_TYPES)),
  },
  connection_credential_type: {
    column: 'credential_type',
    stored: 'text',
    csv: 4,
    required: true,
    rule: () => remembered(enumField(CREDENTIAL_TYPES)),
  },
  ip_hostname: { column: 'host', stored: 'text', csv: 5, required: true, rule: () => hostname },
  port: { column: 'port', stored: 'integer', csv: 6, required: true, rule: () => remembered(integer(0, 65_535)) },
  sso_username_domain: { column: 'sso_username_domain', stored: 'text', csv: 12, rule: () => remembered(optionalText(255)) },
  connection_username: { column: 'connection_username', stored: 'text', csv: 10, rule: () => remembered(optionalText(255)) },
  connection_password: { column: 'connection_password_enc', stored: 'text', csv: 11, secret: true, rule: () => optionalText(1024) },
  private_key: { column: 'private_key_enc', stored: 'text', csv: 14, secret: true, rule: () => optionalText(16_384) },
  passphrase: { column: 'passphrase_enc', stored: 'text', csv: 13, secret: true, rule: () => optionalText(1024) },
  use_user_private_key: { column: 'use_user_private_key', stored: 'boolean', csv: 15, rule: () => remembered(flag) },
  connection_info: { column: 'connection_info', stored: 'jsonb or null', csv: 16, rule: () => remembered(connectionInfo) },
  max_simultaneous_sessions: {
    column: 'max_simultaneous_sessions',
    stored: 'integer',
    csv: 17,
    rule: () => remembered(v.nullish(integer(1, 10_000), 1)),
  },
  max_simultaneous_users: {
    column: 'max_simultaneous_users',
    stored: 'integer',
    csv: 18,
    rule: () => remembered(v.nullish(integer(1, 10_000), 1)),
  },
  labels: { column: 'labels', stored: 'jsonb', csv: 19, rule: () => remembered(labels) },
} as const satisfies Record<string, ServerFieldSpec>

type Fields = typeof SERVER_FIELDS
/** A server field's API name: a CSV column, or `enabled`. */
export type ServerField = keyof Fields
/** The write-only fields. */
export type ServerSecretField = { [K in ServerField]: Fields[K] extends { secret: true } ? K : never }[ServerField]
/** A column of the Server CSV Schema. */
export type ServerColumn = { [K in ServerField]: Fields[K] extends { csv: number } ? K : never }[ServerField]

/** A field's spec, read as the common shape. */
export const serverField = (name: ServerField): ServerFieldSpec => SERVER_FIELDS[name]

/** The fields with their specs, in catalogue (table) order. */
export const SERVER_FIELD_LIST = Object.entries(SERVER_FIELDS) as [ServerField, ServerFieldSpec][]

/** The Server CSV Schema's columns, in the order of Kasm's docs: Servers. */
export const SERVER_CSV_COLUMNS: readonly ServerColumn[] = SERVER_FIELD_LIST.filter(([, f]) => f.csv !== undefined)
  .sort(([, a], [, b]) => a.csv! - b.csv!)
  .map(([name]) => name as ServerColumn)
/** The same columns, for lookups. */
export const SERVER_CSV_COLUMN_SET: ReadonlySet<string> = new Set(SERVER_CSV_COLUMNS)
export const REQUIRED_SERVER_COLUMNS: readonly ServerColumn[] = SERVER_CSV_COLUMNS.filter((c) => serverField(c).required)
/** Every field a server takes, in the order the rules check them (and issues come out): the CSV's, then `enabled`. */
export const SERVER_INPUT_FIELDS: readonly ServerField[] = [
  ...SERVER_CSV_COLUMNS,
  ...SERVER_FIELD_LIST.filter(([, f]) => f.csv === undefined).map(([name]) => name),
]
/** The write-only fields, in catalogue order. */
export const SERVER_SECRET_FIELDS = SERVER_FIELD_LIST.filter(([, f]) => f.secret).map(([name]) => name) as ServerSecretField[]

/**
 * How a server CSV is read, by the edge and by the import wizard's preview alike, so row N is the
 * same row in both: comma-separated, double quotes escaped by doubling, a leading BOM ignored.
 */
export const SERVER_CSV_DIALECT = { delimiter: ',', quoteChar: '"', escapeChar: '"' } as const
export const withoutBom = (text: string) => (text.startsWith('\uFEFF') ? text.slice(1) : text)
