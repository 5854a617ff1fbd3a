import { inArray, sql } from 'drizzle-orm'
import { serverPools, users, zones, type DbOrTx, type ServerPoolType, type ServerRowContext } from '#schema'

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const dashed = (s: string) => {
  const h = s.replaceAll('-', '').toLowerCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
/** The distinct non-empty texts of a column, however the rows are held. */
export type ColumnValues = (column: string) => Iterable<unknown>
const texts = (values: ColumnValues, column: string) => {
  const out = new Set<string>()
  for (const x of values(column)) if (typeof x === 'string' && x !== '') out.add(x)
  return [...out]
}
/** Column values of rows held as objects (create_server, update_server, a `servers` list). */
export const objectColumns = (rows: readonly Record<string, unknown>[]): ColumnValues => (column) => rows.map((r) => r[column])

/** Names and ids the rows refer to, resolved in three queries whatever the number of rows. */
export type ServerRefs = ServerRowContext & { poolNames: ReadonlyMap<string, string>; usernames: ReadonlyMap<string, string> }

export async function loadServerRefs(db: DbOrTx, values: ColumnValues): Promise<ServerRefs> {
  const zoneNames = texts(values, 'zone_name')
  const poolIds = texts(values, 'pool_id').filter((id) => UUID_RE.test(id)).map(dashed)
  const names = texts(values, 'assigned_username').map((u) => u.toLowerCase())
  const [z, p, u] = await Promise.all([
    zoneNames.length ? db.select({ id: zones.id, name: zones.name }).from(zones).where(inArray(zones.name, zoneNames)) : [],
    poolIds.length ? db.select({ id: serverPools.id, name: serverPools.name, type: serverPools.type }).from(serverPools).where(inArray(serverPools.id, poolIds)) : [],
    names.length ? db.select({ id: users.id, username: users.username }).from(users).where(inArray(sql`lower(${users.username})`, names)) : [],
  ])
  return {
    zones: new Map(z.map((r) => [r.name, r.id])),
    pools: new Map(p.map((r) => [r.id, { type: r.type as ServerPoolType }])),
    poolNames: new Map(p.map((r) => [r.id, r.name])),
    users: new Map(u.map((r) => [r.username.toLowerCase(), r.id])),
    usernames: new Map(u.map((r) => [r.id, r.username])),
  }
}
