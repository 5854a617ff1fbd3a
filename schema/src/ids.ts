// Ids as Oriel stores them (dashed lower-case UUIDs) and as Kasm writes them (32 hex digits, no
// dashes). Drizzle-free: the edge, the row rules and the dashboard share it through #schema/contracts.

/** A UUID written with or without its dashes, in either case. */
export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
/** A UUID in its dashed lower-case form (as Postgres prints one), as a pattern to build paths' patterns from. */
export const DASHED_UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
/** A UUID in its dashed form only, in either case. */
export const DASHED_UUID_RE = new RegExp(`^${DASHED_UUID}$`, 'i')

/** Whether text is a UUID, dashed or not. */
export const isUuid = (s: string) => UUID_RE.test(s)

/** A UUID in the dashed lower-case form Postgres prints, from either form (no check: see isUuid). */
export function dashedId(id: string): string {
  const h = id.replaceAll('-', '').toLowerCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** Kasm writes ids as 32 hex digits without dashes; responses do the same so Kasm clients match them. */
export const kasmId = (uuid: string) => uuid.replaceAll('-', '')
export const kasmIdOrNull = (uuid: string | null) => (uuid === null ? null : kasmId(uuid))
