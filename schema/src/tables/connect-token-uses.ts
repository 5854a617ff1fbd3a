import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Connect tokens already redeemed (edge-tokens `connect`): a token opens one connection, so a URL
 * copied from a log or a browser's history opens nothing. Kept until the token would have expired.
 */
export const connectTokenUses = pgTable('connect_token_uses', {
  jti: text().primaryKey(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
})
