import { sql } from 'drizzle-orm'
import { MIGRATIONS, type Migration } from '../migrations/index'
import type { Db } from './db'

/** Arbitrary constant: the advisory lock that keeps two processes from migrating at once. */
const MIGRATION_LOCK_ID = 7_301_734

/**
 * Applies the migrations this build knows and the database lacks, in order, in one transaction.
 * A migration already applied with different SQL is an error: applied migrations are never edited.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`)
    await tx.execute(sql`create table if not exists oriel_migrations (
      tag text primary key, hash text not null, applied_at timestamptz not null default now())`)
    const result = await tx.execute(sql`select tag, hash from oriel_migrations`)
    const applied = new Map(((result as { rows: unknown[] }).rows as { tag: string; hash: string }[]).map((r) => [r.tag, r.hash]))
    const ran: string[] = []
    for (const m of migrations) {
      const hash = applied.get(m.tag)
      if (hash !== undefined) {
        if (hash !== m.hash) throw new Error(`migration ${m.tag} was changed after it was applied`)
        continue
      }
      for (const statement of m.statements) await tx.execute(sql.raw(statement))
      await tx.execute(sql`insert into oriel_migrations (tag, hash) values (${m.tag}, ${m.hash})`)
      ran.push(m.tag)
    }
    return ran
  })
}
