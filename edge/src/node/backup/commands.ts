// `npm run backup -- <file>` and `npm run restore -- <file> [--replace]`: where the database is, which
// way to reach it, the refusals, and what is printed (paths, sizes, counts and tags; never a key).
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Db } from '#schema'
import { openNodePostgres } from '../../db/node-postgres'
import { openPglite } from '../../db/pglite'
import { queryRows } from './catalog'
import { controlSocketPath, pingControl, requestControl } from './control'
import { writeBackup, writeFileAtomically } from './dump'
import { BackupError, scanBackup, type BackupHeader, type BackupScan } from './format'
import { backupSchemaLength, describeExisting, restoreDatabase } from './load'
import { currentSecrets, planSecrets, writeSecrets, type Env } from './secrets'

export type CommandIo = { env: Env; out: (line: string) => void; err: (line: string) => void }
type Target = { database: BackupHeader['database']; label: string; open: () => Promise<{ db: Db; close: () => Promise<void> }> }

const USAGE = {
  backup: 'usage: npm run backup -- <file>    (the database: ORIEL_DATA_DIR, default ./data, or DATABASE_URL)',
  restore: 'usage: npm run restore -- <file> [--replace]    (into ORIEL_DATA_DIR, default ./data, or DATABASE_URL)',
}

/** The database Oriel uses with this environment, opened by this process (Oriel must not be running on a PGlite). */
function directTarget(dataDir: string, env: Env): Target {
  const url = env.DATABASE_URL
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new BackupError('DATABASE_URL must be a postgres:// URL')
    const u = new URL(url)
    const label = `Postgres ${u.hostname}:${u.port || 5432}${u.pathname}`
    return {
      database: 'postgres',
      label,
      async open() {
        const { db, close } = openNodePostgres(url, { max: 1 })
        try {
          await db.execute('select 1')
        } catch (err) {
          await close()
          throw new BackupError(`cannot connect to ${label}: ${rootCause(err)}`)
        }
        return { db, close }
      },
    }
  }
  const dir = join(dataDir, 'pglite')
  return {
    database: 'pglite',
    label: `PGlite in ${dir}`,
    async open() {
      // PGlite writes postmaster.pid while open and removes it on close, but does not lock the folder.
      if (existsSync(join(dir, 'postmaster.pid'))) {
        throw new BackupError(
          `${dir} is open in another process (postmaster.pid exists) and no Oriel answers on ${controlSocketPath(dataDir)}: stop that process first. If Oriel crashed, start and stop it once, or delete ${join(dir, 'postmaster.pid')}`,
        )
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      return openPglite(dir)
    },
  }
}

export async function backupCommand(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseArgs(args, [])
  if (!parsed) return usage(io, 'backup')
  try {
    const file = resolve(parsed.file)
    const dataDir = resolve(io.env.ORIEL_DATA_DIR || './data')
    let source: string
    let scan: BackupScan
    const running = await requestControl(dataDir, 'backup')
    if (running) {
      source = `the running Oriel on ${dataDir} (${running.info.database})`
      scan = await writeFileAtomically(file, (out) => pipeline(running.socket, out), cutShort)
    } else {
      const target = directTarget(dataDir, io.env)
      if (target.database === 'pglite' && !existsSync(join(dataDir, 'pglite', 'PG_VERSION'))) {
        throw new BackupError(
          `no Oriel database in ${join(dataDir, 'pglite')}: set ORIEL_DATA_DIR to Oriel's data folder, or DATABASE_URL for a Postgres`,
        )
      }
      source = target.label
      const { db, close } = await target.open()
      try {
        const meta = { database: target.database, secrets: currentSecrets(dataDir, io.env), now: new Date() }
        scan = await writeFileAtomically(file, (out) => writeBackup(db, out, meta), scanBackup)
      } finally {
        await close()
      }
    }
    io.out(`backup: wrote ${file} (${size(scan.bytes)}, gzip, mode 0600)`)
    io.out(`  from ${source}, ${scan.header.created_at}`)
    describe(io, scan)
    const keys = Object.keys(scan.header.secrets)
    io.out(`  keys: ${keys.length > 0 ? keys.join(', ') : 'none'}; keep this file as safe as the keys themselves`)
    if (!scan.header.secrets.SECRETS_KEY)
      io.err(
        `backup: warning: no SECRETS_KEY in the environment nor in ${join(dataDir, 'secrets-key')}; the encrypted columns need the key that is in use: keep it separately`,
      )
    return 0
  } catch (err) {
    io.err(`backup: ${explain(err)}`)
    return 1
  }
}

export async function restoreCommand(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseArgs(args, ['--replace'])
  if (!parsed) return usage(io, 'restore')
  try {
    const file = resolve(parsed.file)
    const dataDir = resolve(io.env.ORIEL_DATA_DIR || './data')
    const scan = await scanBackup(file)
    backupSchemaLength(scan.header)
    if (await pingControl(dataDir)) throw new BackupError(`Oriel is running on ${dataDir}: stop it, then restore`)
    const secrets = planSecrets(scan.header.secrets, dataDir, io.env)
    if (secrets.refuse.length > 0) throw new BackupError(secrets.refuse.join('; '))
    const target = directTarget(dataDir, io.env)
    if (target.database === 'pglite') mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const { db, close } = await target.open()
    let applied: string[]
    try {
      if (target.database === 'postgres') {
        const [others] = await queryRows<{ n: number }>(
          db,
          'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        )
        if (others && others.n > 0)
          throw new BackupError(
            `${others.n} other connection${others.n > 1 ? 's' : ''} to ${target.label}: stop Oriel (and any other client of that database), then restore`,
          )
      }
      const existing = await describeExisting(db)
      if (existing && !parsed.flags.has('--replace')) {
        throw new BackupError(
          `${target.label} already holds a database (${existing}); to replace it with the backup, run: npm run restore -- ${parsed.file} --replace`,
        )
      }
      ;({ applied } = await restoreDatabase(db, file, scan))
    } finally {
      await close()
    }
    writeSecrets(secrets, scan.header.secrets)
    io.out(`restore: ${file} (${size(scan.bytes)}, made ${scan.header.created_at} from ${scan.header.database}) into ${target.label}`)
    describe(io, scan)
    io.out(`  then migrated forward: ${applied.length > 0 ? applied.join(', ') : 'nothing to apply'}`)
    for (const w of secrets.write) io.out(`  wrote ${w.name} to ${w.path} (mode 0600)`)
    for (const note of secrets.notes) io.err(`restore: note: ${note}`)
    io.out("  sessions: on the next start, agents' polls reconcile them (missing containers are made again, unknown ones removed)")
    return 0
  } catch (err) {
    io.err(`restore: ${explain(err)}`)
    return 1
  }
}

function describe(io: CommandIo, scan: BackupScan) {
  const total = scan.tables.reduce((n, t) => n + t.rows, 0)
  const tags = scan.header.migrations
  io.out(`  schema: ${tags.at(-1)?.tag} (${tags.length} migrations)`)
  io.out(
    `  rows: ${total} in ${scan.tables.length} tables (${scan.tables
      .filter((t) => t.rows > 0)
      .map((t) => `${t.table} ${t.rows}`)
      .join(', ')})`,
  )
}

/** A backup received through the socket is checked before it replaces anything: Oriel may have stopped mid-way. */
async function cutShort(partial: string): Promise<BackupScan> {
  try {
    return await scanBackup(partial)
  } catch (err) {
    throw new BackupError(`the running Oriel's backup was cut short (did it stop?): ${explain(err)}`)
  }
}

function parseArgs(args: string[], flags: string[]): { file: string; flags: Set<string> } | null {
  const given = args.filter((a) => a.startsWith('--'))
  const files = args.filter((a) => !a.startsWith('--'))
  if (files.length !== 1 || given.some((f) => !flags.includes(f))) return null
  return { file: files[0]!, flags: new Set(given) }
}

function usage(io: CommandIo, command: keyof typeof USAGE): number {
  io.err(USAGE[command])
  return 2
}

const size = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`

/**
 * A failure in a sentence: ours as written; a database's error by its own message and code, never the
 * query's parameters (drizzle repeats them, row data included, in the message it wraps around it).
 */
function explain(err: unknown): string {
  if (err instanceof BackupError) return err.message
  return rootCause(err)
}

function rootCause(err: unknown): string {
  let e = err
  while (e instanceof Error && e.cause instanceof Error) e = e.cause
  const code = (e as { code?: unknown }).code
  return `${e instanceof Error ? e.message : String(e)}${typeof code === 'string' ? ` (${code})` : ''}`
}
