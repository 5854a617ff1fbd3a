import { jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { groups } from './groups'

/** A setting a group sets explicitly; its name and value type come from the catalogue in `settings.ts`. */
export const groupSettings = pgTable(
  'group_settings',
  {
    id: id(),
    groupId: uuid()
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    value: jsonb().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('group_settings_group_name_uq').on(t.groupId, t.name)],
)
export type GroupSetting = typeof groupSettings.$inferSelect
