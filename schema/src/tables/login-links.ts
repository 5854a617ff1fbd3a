import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id } from '../columns'
import { users } from './users'

/**
 * One-time sign-in links made by `get_login` for a user (Kasm's "login link"): short-lived, used
 * once, and stored as the token's SHA-256 so the table alone signs nobody in.
 */
export const loginLinks = pgTable(
  'login_links',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('login_links_expires_idx').on(t.expiresAt)],
)
export type LoginLink = typeof loginLinks.$inferSelect
