// Backup and restore of a Postgres by URL, for real: `npm run backup` with DATABASE_URL (once idle, once with
// requests in flight on other connections), the database dropped and made again empty, `npm run restore`,
// row for row with keys and passwords that decrypt; the same file restored into PGlite; refusals.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { migrate, type Db } from '#schema'
import { openNodePostgres } from '../../../edge/src/db/node-postgres'
import { openPglite } from '../../../edge/src/db/pglite'
import { bootstrap } from '../../../edge/src/services/bootstrap'
import { decryptSecret, parseKeyRing } from '../../../edge/src/services/secrets'
import { currentSecrets, secretPath, type Secrets } from '../../../edge/src/node/backup/secrets'
import {
  ADMIN_PASSWORD,
  REGISTRY_PASSWORD,
  SERVER_PASSWORD,
  dumpTables,
  fillOriel,
  harness,
  npmRun,
  secretFiles,
  writeFreshSecrets,
  type Filled,
  type Harness,
} from '../../support/backup-fixture'

const pg = createRequire(import.meta.url)('pg') as typeof import('pg')
const work = mkdtempSync(join(tmpdir(), 'oriel-backup-pg-'))
const dataDir = join(work, 'data')
const name = `oriel_backup_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
const base = inject('pgBaseUrl')
const url = base.replace(/\/[^/]*$/, `/${name}`)
const env = { ORIEL_DATA_DIR: dataDir, DATABASE_URL: url }
const admin = new pg.Client({ connectionString: base })
let h: Harness
let filled: Filled
let keys: Secrets
let pool: ReturnType<typeof openNodePostgres>

beforeAll(async () => {
  await admin.connect()
  await admin.query(`create database ${name}`)
  mkdirSync(dataDir)
  keys = await writeFreshSecrets(dataDir)
  pool = openNodePostgres(url, { max: 4 })
  await migrate(pool.db)
  await bootstrap(pool.db, { adminPassword: ADMIN_PASSWORD, userPassword: `${ADMIN_PASSWORD}-user` })
  h = harness(pool.db, dataDir)
  filled = await fillOriel(h)
}, 120_000)

afterAll(async () => {
  await pool?.close().catch(() => {})
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.end()
  rmSync(work, { recursive: true, force: true })
})

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows
const count = async (db: Db, q: string) => Number(rowsOf<{ n: number }>(await db.execute(sql.raw(q)))[0]!.n)
const nothingSecret = (text: string) => {
  for (const value of [...Object.values(keys), SERVER_PASSWORD, REGISTRY_PASSWORD, 'postgres://']) expect(text).not.toContain(value)
}

describe('npm run backup / npm run restore with DATABASE_URL', () => {
  it('backs up idle and under load, and a dropped database restored from it matches row for row, also in PGlite', async () => {
    const idleFile = join(work, 'idle.backup')
    const busyFile = join(work, 'busy.backup')
    const before = await dumpTables(pool.db)
    const idle = await npmRun('backup', [idleFile], env)
    expect(idle.code, idle.err).toBe(0)
    expect(idle.out).toContain(`from Postgres 127.0.0.1:${new URL(url).port}/${name}`)

    // Writers on their own connections while the command takes its snapshot.
    let made = 0
    let stop = false
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await h.api('create_user', { target_user: { username: `flight-${w}-${i}@example.com` } }, filled.admin)
        if (res.status !== 200) throw new Error(`create_user: ${res.status} ${JSON.stringify(res.body)}`)
        made++
      }
    }
    const writers = [1, 2, 3].map(writer)
    while (made < 5) await new Promise((r) => setTimeout(r, 20))
    const atStart = made
    const busy = await npmRun('backup', [busyFile], env)
    const bounds = [atStart, made + writers.length]
    // Oriel (these writers' pool) still holds connections: a restore would pull the database from under it.
    const inUse = await npmRun('restore', [idleFile, '--replace'], env)
    stop = true
    await Promise.all(writers)
    expect(busy.code, busy.err).toBe(0)
    expect([inUse.code, inUse.err]).toEqual([1, expect.stringMatching(/other connections? to Postgres .*: stop Oriel/)])
    await pool.close()
    for (const r of [idle, busy, inUse]) nothingSecret(r.out + r.err)

    // Wipe: the database dropped and made again empty, the key files gone.
    await admin.query(`drop database ${name} with (force)`)
    await admin.query(`create database ${name}`)
    for (const f of secretFiles(dataDir)) rmSync(f)
    const restore = await npmRun('restore', [idleFile], env)
    expect(restore.code, restore.err).toBe(0)
    nothingSecret(restore.out + restore.err)
    expect(currentSecrets(dataDir, {})).toEqual(keys)
    pool = openNodePostgres(url, { max: 4 })
    expect(await dumpTables(pool.db)).toEqual(before)
    const [server] = rowsOf<{ enc: string }>(
      await pool.db.execute(sql`select connection_password_enc as enc from servers where id = ${filled.serverId}`),
    )
    expect(await decryptSecret(parseKeyRing(readFileSync(secretPath(dataDir, 'SECRETS_KEY'), 'utf8')), server!.enc)).toBe(SERVER_PASSWORD)
    h.use(pool.db)
    const stranger = crypto.randomUUID()
    const poll = await filled.agent.poll([{ kasm_id: stranger, state: 'running' }])
    expect(poll.body.work.create).toEqual([
      expect.objectContaining({ kasm_id: filled.kasmId, registry_auth: expect.objectContaining({ password: REGISTRY_PASSWORD }) }),
    ])
    expect(poll.body.work.destroy).toEqual([stranger])
    await pool.close()

    // The busy backup is one moment: each user made through the API has all its rows, or none.
    const replaced = await npmRun('restore', [busyFile, '--replace'], env)
    expect(replaced.code, replaced.err).toBe(0)
    pool = openNodePostgres(url, { max: 4 })
    const users = await count(pool.db, `select count(*)::int as n from users where username like 'flight-%'`)
    expect(users).toBeGreaterThanOrEqual(bounds[0]!)
    expect(users).toBeLessThanOrEqual(bounds[1]!)
    expect(
      await count(
        pool.db,
        `select count(*)::int as n from user_attributes a join users u on u.id = a.user_id where u.username like 'flight-%'`,
      ),
    ).toBe(users)
    expect(await count(pool.db, `select count(*)::int as n from audit_log where action = 'create_user'`)).toBe(users + 2)

    // The same file into PGlite: the bytes do not depend on the database kind.
    const liteDir = join(work, 'lite')
    const intoLite = await npmRun('restore', [idleFile], { ORIEL_DATA_DIR: liteDir, DATABASE_URL: '' })
    expect(intoLite.code, intoLite.err).toBe(0)
    expect(existsSync(secretPath(liteDir, 'SECRETS_KEY'))).toBe(true)
    const lite = await openPglite(join(liteDir, 'pglite'))
    try {
      expect(await dumpTables(lite.db)).toEqual(before)
    } finally {
      await lite.close()
    }
  }, 240_000)

  it('says so when DATABASE_URL does not answer or is not a postgres:// URL', async () => {
    const [closed, wrong] = await Promise.all([
      npmRun('backup', [join(work, 'x.backup')], { ORIEL_DATA_DIR: dataDir, DATABASE_URL: 'postgres://oriel:secret-pw@127.0.0.1:1/oriel' }),
      npmRun('restore', [join(work, 'idle.backup'), '--replace'], {
        ORIEL_DATA_DIR: dataDir,
        DATABASE_URL: 'mysql://oriel@127.0.0.1/oriel',
      }),
    ])
    expect([closed.code, closed.err]).toEqual([
      1,
      expect.stringContaining('backup: cannot connect to Postgres 127.0.0.1:1/oriel: connect ECONNREFUSED'),
    ])
    expect(closed.err).not.toContain('secret-pw')
    expect([wrong.code, wrong.err]).toEqual([1, expect.stringContaining('DATABASE_URL must be a postgres:// URL')])
    expect(existsSync(join(work, 'x.backup'))).toBe(false)
  }, 60_000)
})
