import { sql } from 'drizzle-orm'
import { boolean, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'

/** Accounts. `username` is unique without regard to case, as sign-in is. */
export const users = pgTable(
  'users',
  {
    id: id(),
    username: text().notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null for accounts that cannot sign in locally. */
    passwordHash: text(),
    passwordSetAt: timestamp({ withTimezone: true }),
    firstName: text(),
    lastName: text(),
    phone: text(),
    organization: text(),
    notes: text(),
    /** Kasm's contact fields: shown and edited by admins, used by nothing else. */
    email: text(),
    city: text(),
    state: text(),
    country: text(),
    /** Where the identity comes from: `local` now; `ldap`, `saml`, `oidc` with single sign-on. */
    realm: text().notNull().default('local'),
    /** Made by an API key's request_kasm without a user_id (Kasm's anonymous user); gone when its sessions are. */
    anonymous: boolean().notNull().default(false),
    locked: boolean().notNull().default(false),
    disabled: boolean().notNull().default(false),
    lastSession: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_username_uq').on(sql`lower(${t.username})`)],
)
export type User = typeof users.$inferSelect
export type NewUser = typeof users.$inferInsert
