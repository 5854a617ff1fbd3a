import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { serverPools } from './server-pools'
import { users } from './users'
import { CONNECTION_TYPES, CREDENTIAL_TYPES, type ConnectionInfo } from '../server-types'

/**
 * Fixed servers reached over KasmVNC, RDP, VNC or SSH through a connection proxy (Kasm's docs: Servers).
 * Password, private key and passphrase are encrypted at rest and never returned (docs/security.md#secrets-at-rest).
 */
export const servers = pgTable(
  'servers',
  {
    id: id(),
    name: text().notNull(),
    enabled: boolean().notNull().default(true),
    // Not a declared foreign key: migration 0002 checks it with statement-level triggers instead
    // (a zone must exist; a zone with servers cannot be deleted), once per statement rather than
    // once per row, which is most of what a 10,000-row import costs Postgres.
    zoneId: uuid().notNull(),
    poolId: uuid().references(() => serverPools.id, { onDelete: 'restrict' }),
    assignedUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** "Kasm Desktop Service": a Windows host whose service offers uploads, downloads and user creation. */
    windowsServiceInstalled: boolean().notNull().default(false),
    connectionType: text({ enum: CONNECTION_TYPES }).notNull(),
    credentialType: text({ enum: CREDENTIAL_TYPES }).notNull(),
    host: text().notNull(),
    port: integer().notNull(),
    ssoUsernameDomain: text(),
    connectionUsername: text(),
    connectionPasswordEnc: text(),
    privateKeyEnc: text(),
    passphraseEnc: text(),
    useUserPrivateKey: boolean().notNull().default(false),
    connectionInfo: jsonb().$type<ConnectionInfo>(),
    maxSimultaneousSessions: integer().notNull().default(1),
    maxSimultaneousUsers: integer().notNull().default(1),
    labels: jsonb().$type<string[]>().notNull().default([]),
    ...timestamps,
  },
  // Most servers are in no pool and assigned to nobody: those indexes leave them out. get_user reads
  // a user's assigned servers on every call.
  (t) => [
    index('servers_zone_idx').on(t.zoneId),
    index('servers_pool_idx')
      .on(t.poolId)
      .where(sql`${t.poolId} is not null`),
    index('servers_assigned_user_idx')
      .on(t.assignedUserId)
      .where(sql`${t.assignedUserId} is not null`),
  ],
)
export type Server = typeof servers.$inferSelect
export type NewServer = typeof servers.$inferInsert
