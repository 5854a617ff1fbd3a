/** Kasm writes ids as 32 hex digits without dashes; responses do the same so Kasm clients match them. */
export const kasmId = (uuid: string) => uuid.replaceAll('-', '')
export const kasmIdOrNull = (uuid: string | null) => (uuid === null ? null : kasmId(uuid))
/** Times as ISO 8601 text, or null. */
export const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** Postgres unique violations, whichever driver reports them. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint: name } = e as { code?: string; constraint?: string }
    if (code === '23505') return constraint === undefined || name === constraint
  }
  return false
}

/**
 * Postgres foreign-key violations: a reference to a row that is gone (23503), or deleting a row
 * that an ON DELETE RESTRICT key still points at (23001).
 */
export function isForeignKeyViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: string }).code
    if (code === '23503' || code === '23001') return true
  }
  return false
}
