import { bigint, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { zones } from './zones'

export const FLEET_MEMBER_STATUSES = ['online', 'offline'] as const

/**
 * The columns of every daemon that enrols with a zone registration token and signs its requests
 * (agents now, connection proxies next): its zone, where browsers reach it, its Ed25519 public key,
 * the highest request sequence number accepted, so a replayed or reordered request is refused
 * (docs/protocol.md#signed-requests), and when it was last heard.
 */
export const fleetMemberColumns = () => ({
  zoneId: uuid()
    .notNull()
    .references(() => zones.id, { onDelete: 'restrict' }),
  name: text().notNull(),
  /** Where browsers reach the daemon's gateway (https in production). */
  publicUrl: text().notNull(),
  publicJwk: jsonb().$type<Record<string, unknown>>().notNull(),
  lastSeq: bigint({ mode: 'number' }).notNull().default(0),
  lastSeenAt: timestamp({ withTimezone: true }),
  status: text({ enum: FLEET_MEMBER_STATUSES }).notNull().default('online'),
  /** How long the member waits between polls (heartbeats) when it has nothing to do. */
  pollIntervalMs: integer().notNull().default(5000),
  version: text(),
})
