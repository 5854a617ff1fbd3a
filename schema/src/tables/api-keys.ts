import { boolean, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { users } from './users'

/** Developer API keys: a public 12-character key and a 32-character secret stored only as a hash. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    name: text().notNull(),
    apiKey: text().notNull(),
    /** SHA-256 of the secret: the secret is 190 random bits, so a slow hash would add cost, not safety. */
    secretHash: text().notNull(),
    enabled: boolean().notNull().default(true),
    /** Overrides every grant: a read-only key may call read verbs only. */
    readOnly: boolean().notNull().default(false),
    expiresAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('api_keys_api_key_uq').on(t.apiKey)],
)
export type ApiKey = typeof apiKeys.$inferSelect
