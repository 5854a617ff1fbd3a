// One definition per response view, rendered two ways: as the SQL `json_build_object(…)` text that
// has Postgres build the JSON (lists, single reads: no rows cross into JavaScript), and as a JS
// function over values already in memory (an import's new rows). Drizzle-free, so the dashboard
// takes the view types from here too.

/**
 * How a field is made from its column: as stored, an id in Kasm's 32-digit form, a time as ISO
 * 8601 (UTC, milliseconds: Date#toISOString's form), or whether a write-only value is set.
 */
export type ViewRendering = 'value' | 'id' | 'iso' | 'set'

/** A view field: the column it reads (`alias.column`), how, and (for types only) what it shows. */
export type ViewField<T = unknown, R extends string = string> = { readonly ref: R; readonly as: ViewRendering; readonly __type?: T }

/** The column as stored. */
export const value = <T, R extends string = string>(ref: R): ViewField<T, R> => ({ ref, as: 'value' })
/** A uuid column in Kasm's form (32 hex digits, no dashes); null stays null. */
export const kasmIdOf = <T extends string | null = string, R extends string = string>(ref: R): ViewField<T, R> => ({ ref, as: 'id' })
/** A timestamp as ISO 8601 text. */
export const isoOf = <T extends string | null = string, R extends string = string>(ref: R): ViewField<T, R> => ({ ref, as: 'iso' })
/** Whether a write-only column holds a value (docs/security.md#write-only-secrets): never the value. */
export const isSet = <R extends string = string>(ref: R): ViewField<boolean, R> => ({ ref, as: 'set' })

export type ViewFields = Readonly<Record<string, ViewField>>
/** The JSON object a view's fields make. */
export type ViewOf<F extends ViewFields> = { [K in keyof F]: F[K] extends ViewField<infer T> ? T : never }
/** The columns a view reads. */
export type ViewRefs<F extends ViewFields> = F[keyof F]['ref']

const SQL: Record<ViewRendering, (ref: string) => string> = {
  value: (ref) => ref,
  id: (ref) => `replace(${ref}::text, '-', '')`,
  iso: (ref) => `to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  set: (ref) => `${ref} is not null`,
}

/** The JS twin of each SQL rendering, over the value the column holds (or would hold). */
const JS: Record<ViewRendering, (x: unknown) => unknown> = {
  value: (x) => x,
  id: (x) => (x === null ? null : (x as string).replaceAll('-', '')),
  iso: (x) => (x === null ? null : x instanceof Date ? x.toISOString() : x),
  set: (x) => x !== null && x !== undefined,
}

/** A view: its fields, its SQL text, and `renderer` for values already in memory. */
export type View<F extends ViewFields> = {
  readonly fields: F
  /** `json_build_object('name', <sql>, …)`, columns named as the fields' refs (the caller's aliases). */
  readonly sql: string
  /**
   * The same view over an in-memory source `S`: `read` says, once, how to get each column the
   * view reads from an `S`. The result's keys come in the fields' order, as the SQL's do.
   */
  renderer<S>(read: { readonly [R in ViewRefs<F>]: (source: S) => unknown }): (source: S) => ViewOf<F>
}

/** A view from one field list (in the order the JSON shows them). */
export function defineView<const F extends ViewFields>(fields: F): View<F> {
  const entries = Object.entries(fields)
  return {
    fields,
    sql: `json_build_object(${entries.map(([name, f]) => `'${name}', ${SQL[f.as](f.ref)}`).join(', ')})`,
    renderer<S>(read: Readonly<Record<string, (source: S) => unknown>>) {
      const names = entries.map(([name]) => name)
      const reads = entries.map(([, f]) => read[f.ref]!)
      const shows = entries.map(([, f]) => JS[f.as])
      // Each view is a copy of one object with every key already in place: adding 25 keys one by one
      // to an empty object would make V8 keep it as a slow dictionary, which JSON.stringify walks slowly.
      const shape: Record<string, unknown> = Object.fromEntries(names.map((n) => [n, null]))
      return (source: S) => {
        const out = { ...shape }
        for (let i = 0; i < names.length; i++) out[names[i]!] = shows[i]!(reads[i]!(source))
        return out as ViewOf<F>
      }
    },
  } as View<F>
}
