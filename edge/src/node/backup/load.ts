import { sql } from 'drizzle-orm'
import { migrate, type Db, type DbOrTx } from '#schema'
import { MIGRATIONS, type Migration } from '../../../../schema/migrations/index'
import { dropSchemaObjects, listTables, queryRows, quoteIdent, useExactText, type TableInfo } from './catalog'
import { BackupError, readBackup, type BackupHeader, type BackupScan, type SequenceState } from './format'

/** Rows (or bytes of JSON) per insert: few round trips, bounded memory. */
const BATCH_ROWS = 1000
const BATCH_BYTES = 4 * 1024 * 1024

/**
 * How many of this build's migrations the backup's schema has applied. A tag this build does not
 * know means the backup comes from a newer Oriel: refused, since its rows may not fit this schema.
 */
export function backupSchemaLength(header: BackupHeader, migrations: readonly Migration[] = MIGRATIONS): number {
  const known = new Map(migrations.map((m) => [m.tag, m]))
  const unknown = header.migrations.filter((m) => !known.has(m.tag)).map((m) => m.tag)
  if (unknown.length > 0) {
    throw new BackupError(
      `the backup comes from a newer Oriel: its schema has migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, which this build does not know (its newest is ${migrations.at(-1)?.tag ?? 'none'}). Upgrade Oriel, then restore`,
    )
  }
  const changed = header.migrations.filter((m) => known.get(m.tag)!.hash !== m.hash).map((m) => m.tag)
  if (changed.length > 0)
    throw new BackupError(
      `the backup's migration ${changed.join(', ')} differs from this build's (applied migrations are never edited): it was not made by a released Oriel`,
    )
  const tags = new Set(header.migrations.map((m) => m.tag))
  const n = header.migrations.length
  const skipped = migrations.slice(0, n).find((m) => !tags.has(m.tag))
  if (n === 0 || skipped)
    throw new BackupError(
      `the backup's schema ${n === 0 ? 'is empty' : `lacks migration ${skipped!.tag}, which comes before others it has`}`,
    )
  return n
}

/**
 * Replaces the database with the backup, all or nothing, in one transaction: drop the schema, make
 * the backup's schema with its migrations, load its rows (user triggers off, as pg_dump loads data
 * before it creates them) and sequences, then migrate forward to this build.
 */
export async function restoreDatabase(
  db: Db,
  file: string,
  scan: BackupScan,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ applied: string[] }> {
  const n = backupSchemaLength(scan.header, migrations)
  return db.transaction(async (tx) => {
    await dropSchemaObjects(tx)
    // A drizzle transaction is a Db whose own transactions are savepoints: migrate() nests inside this one.
    await migrate(tx as unknown as Db, migrations.slice(0, n))
    await useExactText(tx)
    const tables = new Map((await listTables(tx)).map((t) => [t.name, t]))
    for (const t of scan.tables) columnTypes(tables.get(t.table), t, scan.header)
    const names = [...tables.keys()].map(quoteIdent)
    if (names.length > 0) await tx.execute(sql.raw(`truncate ${names.join(', ')}`))
    for (const name of names) await tx.execute(sql.raw(`alter table ${name} disable trigger user`))
    let insert: { head: string; tail: string } | undefined
    let batch: string[] = []
    let bytes = 0
    const flush = async () => {
      if (insert && batch.length > 0) await tx.execute(sql`${sql.raw(insert.head)}${`[${batch.join(',')}]`}${sql.raw(insert.tail)}`)
      batch = []
      bytes = 0
    }
    for await (const line of readBackup(file, false)) {
      if (line.kind === 'row') {
        batch.push(line.json)
        bytes += line.json.length
        if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush()
        continue
      }
      await flush()
      if (line.kind === 'table') insert = insertInto(line.table, line.columns, columnTypes(tables.get(line.table), line, scan.header))
      if (line.kind === 'sequence') await restoreSequence(tx, line.sequence)
    }
    for (const name of names) await tx.execute(sql.raw(`alter table ${name} enable trigger user`))
    return { applied: await migrate(tx as unknown as Db, migrations) }
  })
}

/** Each backup column's type in the schema the migrations made; a table or column it lacks means a damaged file. */
function columnTypes(target: TableInfo | undefined, t: { table: string; columns: string[] }, header: BackupHeader): string[] {
  const schema = header.migrations.at(-1)!.tag
  if (!target) throw new BackupError(`the backup holds table ${t.table}, which its schema (${schema}) does not make: the file was altered`)
  return t.columns.map((c) => {
    const column = target.columns.find((x) => x.name === c)
    if (!column)
      throw new BackupError(`the backup holds column ${t.table}.${c}, which its schema (${schema}) does not make: the file was altered`)
    return column.type
  })
}

/** One insert per batch: each row's text values cast to their column's type, as COPY reads them. */
function insertInto(table: string, columns: string[], types: string[]) {
  const values = columns.map((_, i) => `(r->>${i})::${types[i]}`).join(', ')
  return {
    head: `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) overriding system value select ${values} from json_array_elements(`,
    // Sent as text and cast here: a driver that knows the parameter is json might encode the string again.
    tail: '::text::json) as r',
  }
}

async function restoreSequence(tx: DbOrTx, s: SequenceState) {
  const [found] = await queryRows<{ present: boolean }>(tx, sql`select to_regclass(${quoteIdent(s.sequence)}) is not null as present`)
  if (!found?.present)
    throw new BackupError(`the backup holds sequence ${s.sequence}, which its schema does not make: the file was altered`)
  await tx.execute(sql`select setval(${quoteIdent(s.sequence)}::text::regclass, ${s.last_value}::text::bigint, ${s.is_called})`)
}

/** What a restore would replace, in a few words, or null for a database without tables. */
export async function describeExisting(db: DbOrTx): Promise<string | null> {
  const tables = await listTables(db)
  if (tables.length === 0) return null
  const names = new Set(tables.map((t) => t.name))
  const tags = names.has('oriel_migrations')
    ? await queryRows<{ tag: string }>(db, 'select tag from oriel_migrations order by applied_at desc, tag desc limit 1')
    : []
  const users = names.has('users') ? await queryRows<{ n: number }>(db, 'select count(*)::int as n from users') : []
  return [`${tables.length} tables`, tags[0] && `schema ${tags[0].tag}`, users[0] && `${users[0].n} users`].filter(Boolean).join(', ')
}
