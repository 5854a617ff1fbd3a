import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id } from '../columns'
import { kasms } from './kasms'

/** Screenshot requests (get_kasm_screenshot): the agent captures the framebuffer and uploads a JPEG. */
export const kasmScreenshots = pgTable('kasm_screenshots', {
  id: id(),
  kasmId: uuid()
    .notNull()
    .references(() => kasms.id, { onDelete: 'cascade' }),
  width: integer().notNull(),
  status: text({ enum: ['pending', 'done', 'error'] })
    .notNull()
    .default('pending'),
  /** Base64 JPEG; rows are deleted by the manager tick once read or stale. */
  jpegBase64: text(),
  error: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
