import { index, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core'
import { groups } from './groups'
import { images } from './images'

/** Which groups may launch which workspaces. */
export const groupImages = pgTable(
  'group_images',
  {
    groupId: uuid()
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    imageId: uuid()
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.imageId] }), index('group_images_image_idx').on(t.imageId)],
)
