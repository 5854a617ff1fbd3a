import { sql } from 'drizzle-orm'
import { bigint, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import type { LaunchSpec } from '../protocol/agent'
import { agents } from './agents'
import { connectionProxies } from './connection-proxies'
import { images } from './images'
import { servers } from './servers'
import { users } from './users'
import { zones } from './zones'

/** Session states (DESIGN §5). */
export const KASM_STATES = [
  'requested',
  'provisioning',
  'starting',
  'running',
  'paused',
  'stopped',
  'deleting',
  'deleted',
  'error',
] as const
export type KasmState = (typeof KASM_STATES)[number]

/** User sessions ("kasms"): where they run, what they reserve there, and where they are in their life. */
export const kasms = pgTable(
  'kasms',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    imageId: uuid()
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    zoneId: uuid().references(() => zones.id, { onDelete: 'set null' }),
    agentId: uuid().references(() => agents.id, { onDelete: 'set null' }),
    containerId: text(),
    /** A session on a fixed server (Server and Server Pool workspaces): no agent, no container. */
    serverId: uuid().references(() => servers.id, { onDelete: 'set null' }),
    /** The connection proxy the browser was last sent to (the edge picks one per connection). */
    connectionProxyId: uuid().references(() => connectionProxies.id, { onDelete: 'set null' }),
    status: text({ enum: KASM_STATES }).notNull().default('requested'),
    operationalProgress: integer().notNull().default(0),
    operationalMessage: text(),
    /** Resources reserved on the agent while the session lives (placement subtracts them). */
    cores: doublePrecision().notNull().default(0),
    memoryBytes: bigint({ mode: 'number' }).notNull().default(0),
    gpus: integer().notNull().default(0),
    /** SHA-256 of the session token in the Kasm deep link; the token itself is shown once. */
    sessionTokenHash: text(),
    /** Kasm's share id: who holds it may join the session (join_kasm); random, ~124 bits. */
    shareId: text(),
    /** What the agent needs to build the container, fixed at launch (image, run config, mappings, DLP). */
    launchSpec: jsonb().$type<LaunchSpec>(),
    expiresAt: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
    keepaliveAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('kasms_user_idx').on(t.userId),
    index('kasms_status_idx').on(t.status),
    index('kasms_agent_idx').on(t.agentId),
    index('kasms_server_idx')
      .on(t.serverId)
      .where(sql`${t.serverId} is not null`),
    uniqueIndex('kasms_share_id_uq')
      .on(t.shareId)
      .where(sql`${t.shareId} is not null`),
  ],
)
export type Kasm = typeof kasms.$inferSelect
