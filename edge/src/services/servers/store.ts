import { sql } from 'drizzle-orm'
import {
  SERVER_FIELD_LIST,
  SERVER_SECRET_FIELDS,
  type DbOrTx,
  type NewServer,
  type ServerRefKind,
  type ServerRow,
  type StoredAs,
} from '#schema'
import type { ServerRefs } from './context'

/** The table's written columns in tuple order (the id, then the field catalogue's): the SQL column and how it is read. */
export const TUPLE_COLUMNS: readonly (readonly [column: string, stored: StoredAs])[] = [
  ['id', 'uuid'],
  ...SERVER_FIELD_LIST.map(([, f]) => [f.column, f.stored] as const),
]

/** A column's drizzle key (the table is declared in camelCase, stored in snake_case). */
export const columnKey = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof NewServer

/**
 * A server as the insert's jsonb array takes it, in TUPLE_COLUMNS order: ids dashed or in Kasm's
 * 32-digit form (Postgres reads either as uuid), references resolved to ids, secrets sealed.
 */
export type ServerTuple = unknown[]

/** A reference's id, from the value a row names it by (a zone's name, a pool's id, a user's username). */
const RESOLVE: Record<ServerRefKind, (refs: ServerRefs, x: string | null) => string | null> = {
  zone: (refs, name) => refs.zones.get(name!)!,
  pool: (_, id) => id,
  user: (refs, username) => (username === null ? null : refs.users.get(username.toLowerCase())!),
}
const TAKE = SERVER_FIELD_LIST.map(([name, f]) => ({ name, secret: !!f.secret, resolve: f.ref ? RESOLVE[f.ref] : null }))

/** A checked row as a table tuple: the one place a server's input fields become its columns. */
export function serverTuple(r: ServerRow, id: string, refs: ServerRefs, secrets: readonly (string | null)[], at = 0): ServerTuple {
  const t: ServerTuple = [id]
  let secret = at
  for (const { name, secret: sealed, resolve } of TAKE) {
    t.push(sealed ? secrets[secret++]! : resolve ? resolve(refs, r[name] as string | null) : r[name])
  }
  return t
}

/** The secrets of a row in the order serverTuple reads them. */
export const rowSecrets = (r: ServerRow) => SERVER_SECRET_FIELDS.map((k) => r[k])

/** A tuple as drizzle columns, for an update. */
export function tupleColumns(t: ServerTuple): NewServer {
  return Object.fromEntries(TUPLE_COLUMNS.map(([column], i) => [columnKey(column), t[i]])) as NewServer
}

const read = (i: number, how: StoredAs) =>
  how === 'text'
    ? `r->>${i}`
    : how === 'jsonb'
      ? `r->${i}`
      : how === 'jsonb or null'
        ? `nullif(r->${i}, 'null'::jsonb)`
        : `(r->>${i})::${how}`
// The rows travel as one jsonb parameter of arrays (no repeated keys to write or parse), which
// Postgres expands itself: far under the 65,535-parameter limit a 10,000-row VALUES list would break.
const HEAD = sql.raw(
  `insert into servers (${TUPLE_COLUMNS.map(([column]) => column).join(', ')}, created_at, updated_at) select ${TUPLE_COLUMNS.map(([, how], i) => read(i, how)).join(', ')}, t.at, t.at from jsonb_array_elements(`,
)
const MID = sql.raw('::jsonb) r, (select ')
const TAIL = sql.raw('::timestamptz as at) t')

/** Inserts servers given as the JSON text of a ServerTuple list, all created at `created` (ISO). */
export async function insertServerTuples(db: DbOrTx, json: string, created: string): Promise<void> {
  await db.execute(sql`${HEAD}${json}${MID}${created}${TAIL}`)
}
