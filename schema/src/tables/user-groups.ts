import { index, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core'
import { groups } from './groups'
import { users } from './users'

/** Group membership. */
export const userGroups = pgTable(
  'user_groups',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupId: uuid()
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index('user_groups_group_idx').on(t.groupId)],
)
