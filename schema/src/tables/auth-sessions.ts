import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id } from '../columns'
import { users } from './users'

/**
 * Sign-in sessions. Every bearer token and dashboard cookie names one row, so deleting or revoking
 * the row (logout, logout_user) ends the token at once even though it is a signed JWT.
 */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    clientAddress: text(),
    userAgent: text(),
    /**
     * The password this sign-in was made with, encrypted, for SSO_USERNAME servers (seed 004: the user's
     * own credentials). Lives and dies with this row: cleared at sign-out, gone when the row is pruned.
     */
    signInSecretEnc: text(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId), index('auth_sessions_expires_idx').on(t.expiresAt)],
)
export type AuthSession = typeof authSessions.$inferSelect
