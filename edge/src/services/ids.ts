// Kasm's id form (32 hex digits) is written once, in schema/src/ids.ts; the edge's callers keep these names.
export { kasmId, kasmIdOrNull } from '#schema'

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef')
/**
 * `n` new random (version 4) UUIDs in Kasm's form, which Postgres also reads as uuid. Made from one
 * random draw and one string for all of them: an import needs 10,000, and crypto.randomUUID builds
 * each from sixteen small strings.
 */
export function newKasmIds(n: number): (i: number) => string {
  const bytes = new Uint8Array(16 * n)
  for (let at = 0; at < bytes.length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536))
  const digits = new Uint8Array(32 * n)
  for (let i = 0; i < bytes.length; i++) {
    let b = bytes[i]!
    if ((i & 15) === 6)
      b = (b & 0x0f) | 0x40 // version 4
    else if ((i & 15) === 8) b = (b & 0x3f) | 0x80 // RFC 4122 variant
    digits[2 * i] = HEX_DIGITS[b >> 4]!
    digits[2 * i + 1] = HEX_DIGITS[b & 15]!
  }
  const text = new TextDecoder().decode(digits)
  return (i) => text.slice(32 * i, 32 * i + 32)
}
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
