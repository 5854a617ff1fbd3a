import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { SERVER_POOL_TYPES } from '../server-types'

export const serverPools = pgTable(
  'server_pools',
  {
    id: id(),
    name: text().notNull(),
    type: text({ enum: SERVER_POOL_TYPES }).notNull().default('Server'),
    description: text(),
    ...timestamps,
  },
  (t) => [uniqueIndex('server_pools_name_uq').on(t.name)],
)
export type ServerPool = typeof serverPools.$inferSelect
