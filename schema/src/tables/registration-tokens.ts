import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id } from '../columns'
import { users } from './users'
import { zones } from './zones'

/** Zone registration tokens: agents and proxies enrol with one. Stored as a SHA-256 hash; they expire. */
export const registrationTokens = pgTable(
  'registration_tokens',
  {
    id: id(),
    zoneId: uuid()
      .notNull()
      .references(() => zones.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    description: text(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('registration_tokens_hash_uq').on(t.tokenHash), index('registration_tokens_zone_idx').on(t.zoneId)],
)
export type RegistrationToken = typeof registrationTokens.$inferSelect
