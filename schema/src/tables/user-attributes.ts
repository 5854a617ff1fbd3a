import { boolean, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { timestamps } from '../columns'
import { images } from './images'
import { users } from './users'

/** A user's own preferences (Kasm's "user attributes"), one row per user. */
export const userAttributes = pgTable('user_attributes', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Kasm's `user_attributes_id`: the row's own id, which Kasm's clients read (the key is the user). */
  id: uuid().notNull().unique().defaultRandom(),
  sshPublicKey: text(),
  /** The private half of the user's key pair (Kasm gives each user one), encrypted; never returned by any API. */
  sshPrivateKeyEnc: text(),
  defaultImageId: uuid().references(() => images.id, { onDelete: 'set null' }),
  theme: text().notNull().default('auto'),
  preferredLanguage: text(),
  preferredTimezone: text(),
  showTips: boolean().notNull().default(true),
  toggleControlPanel: boolean().notNull().default(false),
  autoLoginKasm: boolean().notNull().default(false),
  chatSfx: boolean().notNull().default(true),
  ...timestamps,
})
export type UserAttributes = typeof userAttributes.$inferSelect
