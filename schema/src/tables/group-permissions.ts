import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { groups } from './groups'

/** Permissions (Kasm names, see `permissions.ts`) that membership in a group grants. */
export const groupPermissions = pgTable(
  'group_permissions',
  {
    groupId: uuid()
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    permission: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.permission] })],
)
