import type { Db } from '#schema'

/**
 * Prepared queries per database handle: drizzle builds the SQL once, and node-postgres parses a
 * named statement once per connection. Keyed by the handle (a WeakMap), so a Worker's per-request
 * pool takes its cache with it, and the Node process keeps one for its long-lived pool. Only for
 * reads made outside transactions: a prepared query runs on the handle it was made from.
 */
const cache = new WeakMap<Db, Map<string, unknown>>()

export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = cache.get(db)
  if (!byName) cache.set(db, (byName = new Map()))
  let query = byName.get(name) as T | undefined
  if (query === undefined) {
    query = build(db)
    byName.set(name, query)
  }
  return query
}
