import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { fleetMemberColumns, FLEET_MEMBER_STATUSES } from './fleet-member'

export const AGENT_STATUSES = FLEET_MEMBER_STATUSES

/** Docker hosts: fleet members (`fleet-member.ts`) with resources, labels and the images they hold. */
export const agents = pgTable(
  'agents',
  {
    id: id(),
    ...fleetMemberColumns(),
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
    ...timestamps,
  },
  (t) => [index('agents_zone_idx').on(t.zoneId)],
)
export type Agent = typeof agents.$inferSelect
