import * as v from 'valibot'
import { dashedId, UUID_RE } from '../../ids'
import type { ConnectionInfo } from '../../server-types'
import { issueText, MSG } from './messages'

// Field rules shared by the CSV import, the servers list, create/update_server and the dashboard form.
// A CSV gives text ("22", "true"); JSON callers may send numbers, booleans, lists and objects.

export const text = (max = 255) => v.pipe(v.string(MSG.string), v.minLength(1, MSG.tooShort), v.maxLength(max, MSG.tooLong(max)))
export const optionalText = (max = 255) => v.nullish(text(max), null)

/** A reference that must name something the caller fetched (a zone, pool or user), worded as the seed's report words it. */
export const exists = <T extends v.GenericSchema<unknown, string>>(schema: T, found: (key: string) => boolean, kind: string) =>
  v.pipe(
    schema,
    v.check(
      (key: string) => found(key),
      (issue) => MSG.missing(kind, issue.input),
    ),
  )

/** Kasm matches enum values regardless of case (the sample in Kasm's docs: Servers writes `ssh` and `Static`). */
export const enumField = <const T extends readonly string[]>(values: T) => {
  const canonical = new Map(values.map((x) => [x.toLowerCase(), x]))
  return v.pipe(
    v.string(MSG.enumOf(values)),
    v.transform((s) => canonical.get(s.trim().toLowerCase()) ?? s),
    v.picklist(values, MSG.enumOf(values)),
  )
}

// Integers and flags take text (a CSV) or JSON values. One raw step checks the type itself: a union
// would build and throw away an issue for every CSV value that is not a number, 10,000 times a file.
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/
export const integer = (min: number, max: number) =>
  v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const x = dataset.value
      const n = typeof x === 'number' ? x : typeof x === 'string' && INTEGER_TEXT.test(x) ? Number(x) : Number.NaN
      if (Number.isSafeInteger(n)) return n
      addIssue({ message: typeof x === 'string' ? MSG.integerParse : MSG.integer })
      return NEVER
    }),
    v.minValue(min, MSG.min(min)),
    v.maxValue(max, MSG.max(max)),
  )

const TRUE = new Set(['true', 't', 'yes', 'y', 'on', '1'])
const FALSE = new Set(['false', 'f', 'no', 'n', 'off', '0'])
/** Defaults to false when absent, as the seed's schema table says. */
export const flag = v.nullish(
  v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const x = dataset.value
      if (typeof x === 'boolean') return x
      const s = typeof x === 'string' ? x.trim().toLowerCase() : ''
      if (TRUE.has(s)) return true
      if (FALSE.has(s)) return false
      addIssue({ message: MSG.boolean })
      return NEVER
    }),
  ),
  false,
)

/** A UUID with or without dashes, normalised to the dashed lower-case form. */
export const uuid = v.pipe(v.string(MSG.uuid), v.regex(UUID_RE, MSG.uuid), v.transform(dashedId))

/** An IP address or a host name: no spaces, slashes or schemes. */
export const hostname = v.pipe(text(255), v.regex(/^[A-Za-z0-9._:[\]%-]+$/, MSG.hostname))

const GUAC_TYPES = ['rdp', 'vnc', 'ssh']
const isSettingValue = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'
function isConnectionInfo(x: unknown): x is ConnectionInfo {
  if (!x || typeof x !== 'object' || Array.isArray(x) || Object.keys(x).join() !== 'guac') return false
  const guac = (x as { guac: unknown }).guac
  if (!guac || typeof guac !== 'object' || Array.isArray(guac)) return false
  const { type, settings, ...rest } = guac as Record<string, unknown>
  if (Object.keys(rest).length > 0 || typeof type !== 'string' || !GUAC_TYPES.includes(type.toLowerCase())) return false
  return !!settings && typeof settings === 'object' && !Array.isArray(settings) && Object.values(settings).every(isSettingValue)
}

/** JSON text (CSV) or an object (JSON callers), of the guac shape shown in Kasm's docs: Servers. */
export const connectionInfo = v.nullish(
  v.pipe(
    v.union([v.string(), v.record(v.string(), v.unknown())], MSG.json),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const x = dataset.value
      if (typeof x !== 'string') return x as unknown
      try {
        return JSON.parse(x) as unknown
      } catch {
        addIssue({ message: MSG.json })
        return NEVER
      }
    }),
    v.custom<ConnectionInfo>(isConnectionInfo, MSG.guac),
  ),
  null,
)

/** Comma-separated text (CSV) or a list; trimmed, blanks dropped, duplicates removed. */
export const labels = v.nullish(
  v.pipe(
    v.union([v.string(), v.array(v.string())], MSG.labels),
    v.transform((x) => [...new Set((typeof x === 'string' ? x.split(',') : x).map((l) => l.trim()).filter(Boolean))]),
    v.check((list) => list.every((l) => l.length <= 255), MSG.tooLong(255)),
    v.maxLength(100, issueText('Value is too long', 'List should have at most 100 items')),
  ),
  [],
)

type Result = { typed: boolean; value: unknown; issues?: readonly v.BaseIssue<unknown>[] }
const REMEMBER_AT_MOST = 256
const recallers = new WeakMap<object, (input: unknown, config: v.Config<v.BaseIssue<unknown>>) => Result>()

/**
 * A field schema that remembers its results by raw value. An import repeats zones, types, ports,
 * flags and labels thousands of times (and, in a bad file, the same mistakes); each of a field's
 * first 256 distinct values is checked once per schema, and serverRowSchema makes a fresh one per
 * request, so nothing outlives it.
 */
export function remembered<S extends v.GenericSchema>(schema: S): S {
  const hits = new Map<unknown, Result>()
  const recall = (input: unknown, config: v.Config<v.BaseIssue<unknown>>): Result => {
    let hit = hits.get(input)
    if (!hit) {
      const out = schema['~run']({ value: input }, config)
      hit = { typed: out.typed, value: out.value, issues: out.issues?.map((i) => ({ ...i })) }
      // Bounded: a column with hundreds of distinct values is mostly unique, and remembering every
      // one would only keep them (and the file text they point into) alive for the whole import.
      if (hits.size < REMEMBER_AT_MOST) hits.set(input, hit)
    }
    return hit
  }
  const wrapped: S = {
    ...schema,
    '~run'(dataset, config) {
      const input = dataset.value
      if (typeof input === 'object' && input !== null) return schema['~run'](dataset, config)
      const hit = recall(input, config)
      // A success is shared as it is (an object schema only reads its entries' results); failures get
      // fresh issue objects each time, because valibot adds the field's path to an issue in place.
      return (
        hit.issues ? { typed: hit.typed, value: hit.value, issues: hit.issues.map((i) => ({ ...i, path: undefined })) } : hit
      ) as ReturnType<S['~run']>
    },
  }
  recallers.set(wrapped, recall)
  return wrapped
}

/** A remembered schema's result for a text or null input, shared: read it, never change it. */
export const recallerOf = (schema: object) => recallers.get(schema)
