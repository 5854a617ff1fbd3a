import { boolean, doublePrecision, index, integer, pgTable, text } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { fleetMemberColumns } from './fleet-member'

/** Kasm's connection proxy types; Oriel's proxy is guacd's (RDP, SSH, VNC to the browser). */
export const CONNECTION_PROXY_TYPES = ['GUAC'] as const

/**
 * Connection proxies: fleet members (`fleet-member.ts`) beside a guacd, one or more per zone, that
 * carry fixed-server sessions to the browser. Their load comes with each signed heartbeat.
 */
export const connectionProxies = pgTable(
  'connection_proxies',
  {
    id: id(),
    ...fleetMemberColumns(),
    connectionProxyType: text({ enum: CONNECTION_PROXY_TYPES }).notNull().default('GUAC'),
    enabled: boolean().notNull().default(true),
    /** A draining proxy keeps its connections but is offered no new ones. */
    draining: boolean().notNull().default(false),
    /** Worker processes behind its one port (`--cluster-size`). */
    clusterSize: integer().notNull().default(1),
    /** Live browser connections and CPU use (percent of one core × cores), as last reported. */
    connections: integer().notNull().default(0),
    cpuPercent: doublePrecision().notNull().default(0),
    ...timestamps,
  },
  (t) => [index('connection_proxies_zone_idx').on(t.zoneId)],
)
export type ConnectionProxy = typeof connectionProxies.$inferSelect
