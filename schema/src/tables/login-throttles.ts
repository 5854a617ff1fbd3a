import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Failed sign-in counters, one row per account (`user:<lower username>`), per (account, client address)
 * (`pair:<lower username>|<encoded address>`) and per client address (`addr:<ip>`); the keys and rules
 * live in edge/src/services/auth/throttle.ts. Kept in the database because the edge holds no state between requests.
 */
export const loginThrottles = pgTable('login_throttles', {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  lastFailureAt: timestamp({ withTimezone: true }).notNull(),
  blockedUntil: timestamp({ withTimezone: true }),
})
export type LoginThrottle = typeof loginThrottles.$inferSelect
