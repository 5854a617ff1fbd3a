import { boolean, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'

/** Deployment zones: where agents and connection proxies live, and which workspaces they may serve. */
export const zones = pgTable(
  'zones',
  {
    id: id(),
    name: text().notNull(),
    description: text(),
    loadBalancingStrategy: text().notNull().default('least_load'),
    searchAlternateZones: boolean().notNull().default(false),
    allowOriginDomain: text(),
    upstreamAuthAddress: text(),
    proxyConnections: boolean().notNull().default(false),
    proxyHostname: text(),
    proxyPort: integer(),
    proxyPath: text(),
    ...timestamps,
  },
  (t) => [uniqueIndex('zones_name_uq').on(t.name)],
)
export type Zone = typeof zones.$inferSelect
export type NewZone = typeof zones.$inferInsert
