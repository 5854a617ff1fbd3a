// The database stops answering: every verb answers 503 with Retry-After and a message naming the
// database (never 500), on each driver (PGlite, node-postgres, Neon's in workerd). A connection lost
// in the middle of a request fails that request alone; the next one succeeds.
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../edge/src/app'
import { silentLogger } from '../../../edge/src/log'
import { unreachableDb } from '#test-db'
import { useTestContext } from '../../support/context'
import { makeSampleFixtures, sampleBodies, type SampleIds } from '../../support/verb-samples'

const { t, admin } = useTestContext()
let ids: SampleIds
beforeAll(async () => {
  ids = await makeSampleFixtures(t, admin)
})

const expectUnavailable = async (res: Response, what: string) => {
  const body = (await res.json()) as { error_message?: string; code?: string }
  expect({ what, status: res.status, code: body.code }).toEqual({ what, status: 503, code: 'unavailable' })
  expect(body.error_message).toMatch(/database/i)
  expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0)
}

describe('a database that does not answer', () => {
  it('answers every public verb, the healthcheck and an agent enrolment with 503 and Retry-After', { timeout: 120_000 }, async () => {
    const down = await unreachableDb()
    const app = createApp({
      makeDeps: () => ({ deps: { db: down.db, clock: t.clock, config: t.config, log: silentLogger } }),
      clientAddress: () => '203.0.113.9',
    })
    const verbs = [
      ...new Set(
        app.routes.filter((r) => r.method === 'POST' && r.path.startsWith('/api/public/')).map((r) => r.path.slice('/api/public/'.length)),
      ),
    ]
    const samples = sampleBodies(ids)
    expect(verbs.length).toBeGreaterThan(50)
    for (const verb of verbs) {
      const res = await app.request(`/api/public/${verb}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` },
        body: JSON.stringify(samples[verb] ?? {}),
      })
      await expectUnavailable(res, verb)
    }
    await expectUnavailable(await app.request('/api/__healthcheck'), 'healthcheck')
    const enrol = await app.request('/api/agent/enroll', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(samples['agent/enroll']),
    })
    await expectUnavailable(enrol, 'agent/enroll')
    await down.close()
  })
})

// PGlite runs inside the process: it has no connection that can be cut while a request runs.
describe.skipIf(globalThis.process?.env?.ORIEL_TEST_DB === 'pglite')('a connection lost while a request waits on it', () => {
  it('fails that request with 503, and the next request succeeds', async () => {
    // Hold a lock the request needs, cut the connection that waits on it, then let go.
    let killed = false
    const cut = t.db.transaction(async (tx) => {
      await tx.execute(sql`lock table users in access exclusive mode`)
      const request = t.api('get_users', {}, admin)
      for (let i = 0; i < 100 && !killed; i++) {
        await new Promise((r) => setTimeout(r, 50))
        const res = (await tx.execute(sql`select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`)) as unknown as { rows: unknown[] }
        killed = res.rows.length > 0
      }
      return { request }
    })
    const { request } = await cut
    expect(killed).toBe(true)
    const failed = await request
    expect(failed.status).toBe(503)
    expect(failed.body.error_message).toMatch(/database/i)
    expect(Number(failed.headers.get('Retry-After'))).toBeGreaterThan(0)
    const next = await t.api('get_users', {}, admin)
    expect(next.status).toBe(200)
    expect(next.body.users.length).toBeGreaterThan(0)
  })
})
