import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { apiKeys } from './api-keys'

/** Permissions granted to one API key (none by default). */
export const apiKeyPermissions = pgTable(
  'api_key_permissions',
  {
    apiKeyId: uuid()
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    permission: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.permission] })],
)
