import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { authSessions, loginThrottles } from '#schema'
import { runManagerTick } from '../../../edge/src/services/manager'
import { testContext, type TestContext } from '../../support/context'

let t: TestContext
beforeAll(async () => {
  t = await testContext()
})
afterAll(() => t.close())

it('the manager tick drops sign-ins ended over a day ago and forgotten failure counters, keeping the rest', async () => {
  const u = await t.seed.user()
  const now = t.clock.now()
  const ago = (h: number) => new Date(now.getTime() - h * 3_600_000)
  const rows = await t.db
    .insert(authSessions)
    .values([
      { userId: u.id, expiresAt: ago(25) },
      { userId: u.id, expiresAt: ago(-1), revokedAt: ago(25) },
      { userId: u.id, expiresAt: ago(-1), revokedAt: ago(1) },
      { userId: u.id, expiresAt: ago(-1) },
    ])
    .returning({ id: authSessions.id })
  await t.db.insert(loginThrottles).values([
    { key: 'user:old@example.com', failures: 4, lastFailureAt: ago(30) },
    { key: 'user:recent@example.com', failures: 4, lastFailureAt: ago(1) },
  ])
  await runManagerTick(t.db, t.clock)
  const left = await t.db.select({ id: authSessions.id }).from(authSessions).where(eq(authSessions.userId, u.id))
  expect(left.map((r) => r.id).sort()).toEqual([rows[2]!.id, rows[3]!.id].sort())
  expect((await t.db.select().from(loginThrottles)).map((r) => r.key)).toEqual(['user:recent@example.com'])
})
