import { execFileSync } from 'node:child_process'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { migrate, MIGRATIONS_FOR_TESTS } from './migrations-fixture'
import { openPglite } from '../../edge/src/db/pglite'
import { bootstrap } from '../../edge/src/services/bootstrap'

describe('migrate', () => {
  it('applies every migration once; running again does nothing; bootstrap is idempotent', async () => {
    const { db, close } = await openPglite()
    expect(await migrate(db)).toEqual(MIGRATIONS_FOR_TESTS.map((m) => m.tag))
    expect(await migrate(db)).toEqual([])
    const first = await bootstrap(db, { adminPassword: 'admin-pass-123', userPassword: 'user-pass-123' })
    expect(first.map((a) => a.username)).toEqual(['admin@kasm.local', 'user@kasm.local'])
    expect(await bootstrap(db)).toEqual([])
    const r = (await db.execute(sql`select count(*)::int as n from groups where is_system`)) as unknown as { rows: { n: number }[] }
    expect(r.rows[0]!.n).toBe(2)
    await close()
  })

  it('refuses a migration whose SQL changed after it was applied', async () => {
    const { db, close } = await openPglite()
    await migrate(db)
    const edited = MIGRATIONS_FOR_TESTS.map((m, i) => (i === 0 ? { ...m, hash: 'edited' } : m))
    await expect(migrate(db, edited)).rejects.toThrow(/was changed after it was applied/)
    await close()
  })

  it('the bundled migrations match drizzle-kit’s SQL files', () => {
    execFileSync('npx', ['tsx', 'scripts/bundle-migrations.ts', '--check'], { stdio: 'pipe' })
  })
})
