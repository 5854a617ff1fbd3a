import { timestamp, uuid } from 'drizzle-orm/pg-core'

/** Primary key shared by every entity table: a random UUID made by Postgres. */
export const id = () => uuid().primaryKey().defaultRandom()

/** Creation and last-change times, kept by the database and drizzle. */
export const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
}
