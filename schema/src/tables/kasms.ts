import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import { images } from './images'
import { users } from './users'
import { zones } from './zones'

/** Session states (DESIGN §5). */
export const KASM_STATES = [
  'requested', 'provisioning', 'starting', 'running', 'paused', 'stopped', 'deleting', 'deleted', 'error',
] as const

/**
 * User sessions ("kasms"). The container-session issue adds placement and stream columns; user
 * deletion already needs to know whether a user has live sessions.
 */
export const kasms = pgTable(
  'kasms',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    imageId: uuid()
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    zoneId: uuid().references(() => zones.id, { onDelete: 'set null' }),
    status: text({ enum: KASM_STATES }).notNull().default('requested'),
    expiresAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('kasms_user_idx').on(t.userId), index('kasms_status_idx').on(t.status)],
)
export type Kasm = typeof kasms.$inferSelect
