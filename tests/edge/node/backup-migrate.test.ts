// A backup from an older Oriel restores into this build and is migrated forward; a load that fails part way
// (a row breaking a foreign key) leaves the database as it was.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '#schema'
import { MIGRATIONS } from '../../../schema/migrations/index'
import { openPglite } from '../../../edge/src/db/pglite'
import { writeBackup, writeFileAtomically } from '../../../edge/src/node/backup/dump'
import { scanBackup } from '../../../edge/src/node/backup/format'
import { restoreDatabase } from '../../../edge/src/node/backup/load'
import { dumpTables } from '../../support/backup-fixture'

const work = mkdtempSync(join(tmpdir(), 'oriel-backup-migrate-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows

describe('restoring a backup from an older schema', () => {
  it('restores a backup made before the newest migrations and migrates it forward; a failing load changes nothing', async () => {
    const old = await openPglite()
    const file = join(work, 'old.backup')
    await migrate(old.db, MIGRATIONS.slice(0, 3))
    await old.db.execute(sql`insert into users (username) values ('old@example.com')`)
    await writeFileAtomically(file, (out) => writeBackup(old.db, out, { database: 'pglite', secrets: {}, now: new Date() }), scanBackup)
    await old.close()
    const target = await openPglite()
    try {
      const { applied } = await restoreDatabase(target.db, file, await scanBackup(file))
      expect(applied).toEqual(MIGRATIONS.slice(3).map((m) => m.tag))
      expect(rowsOf(await target.db.execute(sql`select username, anonymous, email from users`))).toEqual([
        { username: 'old@example.com', anonymous: false, email: null },
      ])
      expect(
        rowsOf<{ tag: string }>(await target.db.execute(sql`select tag from oriel_migrations order by tag`)).map((r) => r.tag),
      ).toEqual(MIGRATIONS.map((m) => m.tag))

      // A row whose user does not exist fails the load at its foreign key: the database stays as it was.
      const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n')
      const at = lines.findIndex((l) => l.startsWith('{"table":"user_groups"'))
      lines.splice(at + 1, 0, JSON.stringify([crypto.randomUUID(), crypto.randomUUID()]))
      lines[lines.findIndex((l) => l.startsWith('{"end"'))] = lines
        .find((l) => l.startsWith('{"end"'))!
        .replace('"user_groups":0', '"user_groups":1')
      const broken = join(work, 'broken.backup')
      writeFileSync(broken, gzipSync(lines.join('\n')))
      const dumpBefore = await dumpTables(target.db)
      await expect(restoreDatabase(target.db, broken, await scanBackup(broken))).rejects.toThrow()
      expect(await dumpTables(target.db)).toEqual(dumpBefore)
    } finally {
      await target.close()
    }
  }, 120_000)
})
