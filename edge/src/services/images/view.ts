import { ADMIN_IMAGE_VIEW, LAUNCHER_IMAGE_VIEW } from '#schema'

// Workspace views are built by Postgres as JSON from the shared definitions (schema/src/views/image.ts),
// whose SQL text is rendered once: having drizzle render ~30 nested fragments on every call cost
// more CPU than building the JSON in JavaScript. Columns are named through `i`.
export const LAUNCHER_VIEW = LAUNCHER_IMAGE_VIEW.sql
export const ADMIN_VIEW = ADMIN_IMAGE_VIEW.sql
export type { AdminImageView, LauncherImageView } from '#schema'
