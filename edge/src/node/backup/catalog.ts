// What the database's own catalog says about Oriel's schema (the current schema, minus extensions' objects):
// the same queries on PGlite and Postgres, so a backup follows whatever the migrations made.
import { sql, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '#schema'
import { BackupError } from './format'

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

export async function queryRows<T>(db: DbOrTx, query: SQL | string): Promise<T[]> {
  const result = await db.execute(typeof query === 'string' ? sql.raw(query) : query)
  return (result as unknown as { rows: T[] }).rows
}

const inSchema = (column: string) => `${column} = (select oid from pg_namespace where nspname = current_schema())`
const notFromExtension = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`

/**
 * Session settings under which every value's text form is exact and reads back the same on any server
 * (pg_dump sets the same ones); `set local` keeps them to the transaction.
 */
export async function useExactText(tx: DbOrTx): Promise<void> {
  for (const s of [
    "timezone = 'UTC'",
    "datestyle = 'ISO, YMD'",
    "intervalstyle = 'postgres'",
    'extra_float_digits = 3',
    "bytea_output = 'hex'",
  ]) {
    await tx.execute(sql.raw(`set local ${s}`))
  }
}

export type TableInfo = { name: string; columns: { name: string; type: string }[] }

/** The schema's tables, each after every table its foreign keys point to, with their stored (not generated) columns. */
export async function listTables(db: DbOrTx): Promise<TableInfo[]> {
  const names = await queryRows<{ name: string }>(
    db,
    `select c.relname as name from pg_class c
    where c.relkind = 'r' and ${inSchema('c.relnamespace')} and ${notFromExtension('pg_class', 'c.oid')} order by c.relname`,
  )
  const columns = await queryRows<{ rel: string; name: string; type: string }>(
    db,
    `select c.relname as rel, a.attname as name,
    format_type(a.atttypid, a.atttypmod) as type from pg_attribute a join pg_class c on c.oid = a.attrelid
    where c.relkind = 'r' and ${inSchema('c.relnamespace')} and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by c.relname, a.attnum`,
  )
  const keys = await queryRows<{ child: string; parent: string }>(
    db,
    `select cc.relname as child, pc.relname as parent from pg_constraint k
    join pg_class cc on cc.oid = k.conrelid join pg_class pc on pc.oid = k.confrelid
    where k.contype = 'f' and ${inSchema('k.connamespace')} and k.conrelid <> k.confrelid`,
  )
  const info = new Map(names.map(({ name }) => [name, { name, columns: [] as TableInfo['columns'] }]))
  for (const c of columns) info.get(c.rel)?.columns.push({ name: c.name, type: c.type })
  // Kahn's algorithm, alphabetical among the tables that are ready, so the order is stable.
  const waitingOn = new Map(
    names.map(({ name }) => [name, new Set(keys.filter((k) => k.child === name && info.has(k.parent)).map((k) => k.parent))]),
  )
  const ordered: TableInfo[] = []
  while (waitingOn.size > 0) {
    const ready = [...waitingOn]
      .filter(([, parents]) => parents.size === 0)
      .map(([name]) => name)
      .sort()
    if (ready.length === 0)
      throw new BackupError(`tables ${[...waitingOn.keys()].join(', ')} reference each other in a cycle; a backup cannot order them`)
    for (const name of ready) {
      waitingOn.delete(name)
      for (const parents of waitingOn.values()) parents.delete(name)
      ordered.push(info.get(name)!)
    }
  }
  return ordered
}

export async function listSequences(db: DbOrTx): Promise<string[]> {
  const seqs = await queryRows<{ name: string }>(
    db,
    `select c.relname as name from pg_class c
    where c.relkind = 'S' and ${inSchema('c.relnamespace')} and ${notFromExtension('pg_class', 'c.oid')} order by c.relname`,
  )
  return seqs.map((s) => s.name)
}

/** The migration tags (with hashes) applied to this database, in the order they were applied; none without Oriel's table. */
export async function appliedMigrations(db: DbOrTx): Promise<{ tag: string; hash: string }[]> {
  const [exists] = await queryRows<{ present: boolean }>(db, `select to_regclass('oriel_migrations') is not null as present`)
  if (!exists?.present) return []
  return queryRows(db, 'select tag, hash from oriel_migrations order by applied_at, tag')
}

/**
 * Drops every table, view, sequence, function and type of the current schema (not extensions' own),
 * so the migrations can make the backup's schema again from nothing.
 */
export async function dropSchemaObjects(tx: DbOrTx): Promise<void> {
  const kinds: Record<string, string> = { r: 'table', p: 'table', f: 'foreign table', v: 'view', m: 'materialized view', S: 'sequence' }
  const relations = await queryRows<{ kind: string; name: string }>(
    tx,
    `select c.relkind as kind, c.relname as name from pg_class c
    where c.relkind in ('r', 'p', 'f', 'v', 'm', 'S') and not c.relispartition and ${inSchema('c.relnamespace')} and ${notFromExtension('pg_class', 'c.oid')}`,
  )
  for (const r of relations) await tx.execute(sql.raw(`drop ${kinds[r.kind]} if exists ${quoteIdent(r.name)} cascade`))
  const routines = await queryRows<{ kind: string; signature: string }>(
    tx,
    `select p.prokind as kind, p.oid::regprocedure::text as signature
    from pg_proc p where ${inSchema('p.pronamespace')} and ${notFromExtension('pg_proc', 'p.oid')}`,
  )
  for (const r of routines)
    await tx.execute(
      sql.raw(`drop ${r.kind === 'p' ? 'procedure' : r.kind === 'a' ? 'aggregate' : 'function'} if exists ${r.signature} cascade`),
    )
  const types = await queryRows<{ kind: string; name: string }>(
    tx,
    `select t.typtype as kind, format_type(t.oid, null) as name from pg_type t
    where ${inSchema('t.typnamespace')} and ${notFromExtension('pg_type', 't.oid')}
      and (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))`,
  )
  for (const t of types) await tx.execute(sql.raw(`drop ${t.kind === 'd' ? 'domain' : 'type'} if exists ${t.name} cascade`))
}
