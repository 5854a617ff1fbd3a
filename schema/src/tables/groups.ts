import { boolean, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'

/**
 * Groups carry permissions, settings and workspace grants. When a user's groups disagree on a
 * setting, the group with the lowest `priority` number wins, so priorities are unique (as in Kasm).
 */
export const groups = pgTable(
  'groups',
  {
    id: id(),
    name: text().notNull(),
    description: text(),
    priority: integer().notNull(),
    /** Built-in groups (`All Users`, `Administrators`): never deleted, changed only with groups_modify_system. */
    isSystem: boolean().notNull().default(false),
    ...timestamps,
  },
  (t) => [uniqueIndex('groups_name_uq').on(t.name), uniqueIndex('groups_priority_uq').on(t.priority)],
)
export type Group = typeof groups.$inferSelect
export type NewGroup = typeof groups.$inferInsert
