import * as v from 'valibot'
import { dashedId, UUID_RE } from '../ids'

/** A UUID with or without dashes (Kasm writes them without); normalised to the dashed lower-case form. */
export const IdSchema = v.pipe(v.string(), v.regex(UUID_RE, 'must be a UUID (with or without dashes)'), v.transform(dashedId))

/** Text a person types: trimmed, non-empty, bounded. */
export const NameSchema = (max = 255) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `must be at most ${max} characters`))

/** Optional free text: null clears it; trimmed; empty becomes null. */
export const OptionalTextSchema = (max = 1000) =>
  v.optional(
    v.nullable(
      v.pipe(
        v.string(),
        v.trim(),
        v.maxLength(max, `must be at most ${max} characters`),
        v.transform((s) => (s === '' ? null : s)),
      ),
    ),
  )

/** A password as set by an admin or its owner; the upper bound keeps hashing cost bounded. */
export const PasswordSchema = v.pipe(
  v.string(),
  v.minLength(8, 'must be at least 8 characters'),
  v.maxLength(1024, 'must be at most 1024 characters'),
)

/** A date-time in ISO 8601 form, or null. */
export const DateTimeSchema = v.pipe(
  v.string(),
  v.isoTimestamp('must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T12:00:00Z'),
  v.transform((s) => new Date(s)),
)

/** An optional date-time as Kasm's clients send it: ISO 8601, null, or Kasm's literal "None" for no date. */
export const KasmDateTimeSchema = v.optional(
  v.pipe(
    v.unknown(),
    v.transform((x) => (x === 'None' ? null : x)),
    v.nullable(DateTimeSchema),
  ),
)

/**
 * Builds a verb's body schema: its own fields plus optional API credentials. Other keys are ignored,
 * as Kasm ignores them: its clients send extra fields everywhere (and send back what they read).
 * Objects that are ours to define (run configs, connection info) stay strict and name unknown keys.
 */
export const body = <E extends v.ObjectEntries>(entries: E) =>
  v.object({ api_key: v.optional(v.string()), api_key_secret: v.optional(v.string()), ...entries })

export const EmptyBodySchema = body({})
