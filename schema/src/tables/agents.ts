import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { zones } from './zones'

export const AGENT_STATUSES = ['online', 'offline'] as const

/**
 * Docker hosts. Each holds its own Ed25519 key; the edge keeps the public half and the highest
 * request sequence number accepted, so a replayed or reordered request is refused (docs/protocol.md#signed-requests).
 */
export const agents = pgTable(
  'agents',
  {
    id: id(),
    zoneId: uuid()
      .notNull()
      .references(() => zones.id, { onDelete: 'restrict' }),
    name: text().notNull(),
    /** Where browsers reach the agent's session gateway (https in production). */
    publicUrl: text().notNull(),
    publicJwk: jsonb().$type<Record<string, unknown>>().notNull(),
    lastSeq: bigint({ mode: 'number' }).notNull().default(0),
    lastSeenAt: timestamp({ withTimezone: true }),
    status: text({ enum: AGENT_STATUSES }).notNull().default('online'),
    enabled: boolean().notNull().default(true),
    /** A draining agent keeps its sessions but takes no new ones. */
    draining: boolean().notNull().default(false),
    cores: doublePrecision().notNull().default(0),
    memoryBytes: bigint({ mode: 'number' }).notNull().default(0),
    gpus: integer().notNull().default(0),
    coresOverride: doublePrecision(),
    memoryOverrideBytes: bigint({ mode: 'number' }),
    gpusOverride: integer(),
    labels: jsonb().$type<string[]>().notNull().default([]),
    images: jsonb().$type<string[]>().notNull().default([]),
    pollIntervalMs: integer().notNull().default(5000),
    version: text(),
    ...timestamps,
  },
  (t) => [index('agents_zone_idx').on(t.zoneId)],
)
export type Agent = typeof agents.$inferSelect
