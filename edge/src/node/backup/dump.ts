import { once } from 'node:events'
import { closeSync, createWriteStream, fchmodSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { sql } from 'drizzle-orm'
import type { Db } from '#schema'
import { appliedMigrations, listSequences, listTables, queryRows, quoteIdent, useExactText } from './catalog'
import { BACKUP_FORMAT, BACKUP_VERSION, BackupError, type BackupHeader } from './format'
import type { Secrets } from './secrets'

/** Rows fetched per round trip; bounds memory whatever a table's size. */
const FETCH_ROWS = 1000

export type DumpMeta = { database: BackupHeader['database']; secrets: Secrets; now: Date }

/**
 * Every table and sequence of the database from one snapshot (REPEATABLE READ, read only, as pg_dump
 * takes it), so rows written while it runs are either all in or all out. On PGlite the snapshot is
 * the whole database for its duration: PGlite runs one transaction at a time, and requests wait.
 */
export async function dumpDatabase(db: Db, emit: (line: string) => void | Promise<void>, meta: DumpMeta): Promise<void> {
  await db.transaction(
    async (tx) => {
      await useExactText(tx)
      const migrations = await appliedMigrations(tx)
      if (migrations.length === 0)
        throw new BackupError('the database holds no Oriel schema (no oriel_migrations table): nothing to back up')
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        created_at: meta.now.toISOString(),
        database: meta.database,
        migrations,
        secrets: meta.secrets,
      }
      await emit(JSON.stringify(header))
      const rows: Record<string, number> = {}
      for (const table of await listTables(tx)) {
        await emit(JSON.stringify({ table: table.name, columns: table.columns.map((c) => c.name) }))
        const cells = table.columns.map((c) => `${quoteIdent(c.name)}::text`).join(', ')
        await tx.execute(
          sql.raw(
            `declare oriel_backup no scroll cursor for select array_to_json(array[${cells}]::text[])::text as r from ${quoteIdent(table.name)}`,
          ),
        )
        let count = 0
        for (let got = FETCH_ROWS; got === FETCH_ROWS; count += got) {
          const batch = await queryRows<{ r: string }>(tx, `fetch forward ${FETCH_ROWS} from oriel_backup`)
          for (const { r } of batch) await emit(r)
          got = batch.length
        }
        rows[table.name] = count
        await tx.execute(sql.raw('close oriel_backup'))
      }
      for (const name of await listSequences(tx)) {
        const [s] = await queryRows<{ last_value: string; is_called: boolean }>(
          tx,
          `select last_value::text as last_value, is_called from ${quoteIdent(name)}`,
        )
        await emit(JSON.stringify({ sequence: name, last_value: s!.last_value, is_called: s!.is_called }))
      }
      await emit(JSON.stringify({ end: true, rows }))
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  )
}

/** The dump, gzipped, into `dest`; resolves once every byte has been handed to it. */
export async function writeBackup(db: Db, dest: Writable, meta: DumpMeta): Promise<void> {
  const gzip = createGzip()
  const flushed = pipeline(gzip, dest)
  // Awaited below; this only keeps a failure while the dump runs from counting as unhandled.
  flushed.catch(() => {})
  const emit = (line: string) => {
    if (gzip.write(`${line}\n`)) return
    const drained = once(gzip, 'drain')
    drained.catch(() => {})
    return Promise.race([drained, flushed]).then(() => undefined)
  }
  try {
    await dumpDatabase(db, emit, meta)
  } catch (err) {
    gzip.destroy(err as Error)
    await flushed.catch(() => {})
    throw err
  }
  gzip.end()
  await flushed
}

/**
 * Writes a backup file whole or not at all: into `<file>.partial` (mode 0600: it holds the keys),
 * flushed to disk, read back by `check`, then renamed over `file`.
 */
export async function writeFileAtomically<T>(
  file: string,
  produce: (out: Writable) => Promise<void>,
  check: (partial: string) => Promise<T>,
): Promise<T> {
  const partial = `${file}.partial`
  const fd = openSync(partial, 'w', 0o600)
  try {
    fchmodSync(fd, 0o600)
    await produce(createWriteStream('', { fd, autoClose: false }))
    fsyncSync(fd)
    closeSync(fd)
    const checked = await check(partial)
    renameSync(partial, file)
    return checked
  } catch (err) {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
    rmSync(partial, { force: true })
    throw err
  }
}
