import { bigint, boolean, integer, jsonb, pgTable, real, text, uuid } from 'drizzle-orm/pg-core'
import { id, timestamps } from '../columns'
import type { VolumeMappings } from '../settings'
import { serverPools } from './server-pools'
import { servers } from './servers'
import { zones } from './zones'

import { IMAGE_TYPES } from '../image-types'

export { IMAGE_TYPES, type ImageType } from '../image-types'

/** Workspaces (Kasm calls them images). */
export const images = pgTable('images', {
  id: id(),
  imageType: text({ enum: IMAGE_TYPES }).notNull().default('Container'),
  /** Docker image reference with a tag, for Container workspaces. */
  name: text(),
  friendlyName: text().notNull(),
  description: text(),
  imageSrc: text(),
  categories: jsonb().$type<string[]>().notNull().default([]),
  cores: real().notNull().default(2),
  /** Bytes, as in Kasm. */
  memory: bigint({ mode: 'number' }).notNull().default(2_768_000_000),
  gpuCount: integer().notNull().default(0),
  runConfig: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  execConfig: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  persistentProfilePath: text(),
  volumeMappings: jsonb().$type<VolumeMappings>().notNull().default({}),
  restrictToZone: boolean().notNull().default(false),
  zoneId: uuid().references(() => zones.id, { onDelete: 'set null' }),
  /** A Server workspace connects to this fixed server; a server still used by one cannot be deleted. */
  serverId: uuid().references(() => servers.id, { onDelete: 'restrict' }),
  serverPoolId: uuid().references(() => serverPools.id, { onDelete: 'restrict' }),
  includeLabels: jsonb().$type<string[]>().notNull().default([]),
  excludeLabels: jsonb().$type<string[]>().notNull().default([]),
  linkUrl: text(),
  dockerRegistry: text(),
  dockerUser: text(),
  /** Encrypted at rest (docs/security.md#secrets-at-rest); write-only in the API, decrypted only for the agent that pulls. */
  dockerPasswordEnc: text(),
  enabled: boolean().notNull().default(true),
  hidden: boolean().notNull().default(false),
  ...timestamps,
})
export type Image = typeof images.$inferSelect
export type NewImage = typeof images.$inferInsert
