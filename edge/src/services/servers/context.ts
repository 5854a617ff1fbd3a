import { inArray, sql } from 'drizzle-orm'
import { dashedId, isUuid, serverPools, users, zones, type DbOrTx, type ServerPoolType, type ServerRowContext } from '#schema'

/** Names and ids the rows refer to: zones by name, pools by id, users by lower-case username. */
export type ServerRefs = ServerRowContext & { poolNames: ReadonlyMap<string, string>; usernames: ReadonlyMap<string, string> }
/** The values of one column across some rows, however the rows are held. */
export type ColumnValues = (column: string) => Iterable<unknown>

/** What `rows` refer to, in at most three queries whatever their number. */
export async function loadServerRefs(db: DbOrTx, rows: readonly Record<string, unknown>[]): Promise<ServerRefs> {
  const resolver = serverRefResolver()
  await resolver.load(db, (column) => rows.map((r) => r[column]))
  return resolver.refs
}

/**
 * References that grow as an import reads on: each load looks up only what earlier loads have not
 * asked about (found or not), so a file whose rows name the same zone asks for it once.
 */
export function serverRefResolver() {
  const zoneIds = new Map<string, string>()
  const pools = new Map<string, { type: ServerPoolType }>()
  const poolNames = new Map<string, string>()
  const userIds = new Map<string, string>()
  const usernames = new Map<string, string>()
  const asked = { zones: new Set<string>(), pools: new Set<string>(), users: new Set<string>() }
  const refs: ServerRefs = { zones: zoneIds, pools, poolNames, users: userIds, usernames }
  const unasked = (values: ColumnValues, column: string, seen: Set<string>, key: (s: string) => string | null) => {
    const out: string[] = []
    for (const x of values(column)) {
      const k = typeof x === 'string' && x !== '' ? key(x) : null
      if (k !== null && !seen.has(k)) (seen.add(k), out.push(k))
    }
    return out
  }
  return {
    refs,
    async load(db: DbOrTx, values: ColumnValues): Promise<void> {
      const zoneNames = unasked(values, 'zone_name', asked.zones, (s) => s)
      const poolIds = unasked(values, 'pool_id', asked.pools, (s) => (isUuid(s) ? dashedId(s) : null))
      const names = unasked(values, 'assigned_username', asked.users, (s) => s.toLowerCase())
      const [z, p, u] = await Promise.all([
        zoneNames.length ? db.select({ id: zones.id, name: zones.name }).from(zones).where(inArray(zones.name, zoneNames)) : [],
        poolIds.length
          ? db
              .select({ id: serverPools.id, name: serverPools.name, type: serverPools.type })
              .from(serverPools)
              .where(inArray(serverPools.id, poolIds))
          : [],
        names.length
          ? db
              .select({ id: users.id, username: users.username })
              .from(users)
              .where(inArray(sql`lower(${users.username})`, names))
          : [],
      ])
      for (const r of z) zoneIds.set(r.name, r.id)
      for (const r of p) (pools.set(r.id, { type: r.type as ServerPoolType }), poolNames.set(r.id, r.name))
      for (const r of u) (userIds.set(r.username.toLowerCase(), r.id), usernames.set(r.id, r.username))
    },
  }
}
