// Malformed requests to every verb: never a 5xx, always an error_message, and a refused request
// changes nothing. Seeded (ORIEL_FUZZ_SEED) and bounded (ORIEL_FUZZ_CASES random cases per verb,
// on top of the fixed ones every verb gets), so a failure replays.
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'
import { fuzzCases, prng } from '../../support/fuzz'
import { makeSampleFixtures, sampleBodies, type SampleIds } from '../../support/verb-samples'

const { t, admin } = useTestContext()
const SEED = Number(process.env.ORIEL_FUZZ_SEED ?? 20_261_202)
const RANDOM_CASES = Number(process.env.ORIEL_FUZZ_CASES ?? 24)

let ids: SampleIds
let verbs: string[]
beforeAll(async () => {
  ids = await makeSampleFixtures(t, admin)
  // Every public verb, and the agent protocol's routes as `agent/<route>` (enrol needs no signature).
  const posts = t.app.routes.filter((r) => r.method === 'POST')
  verbs = [
    ...new Set([
      ...posts.filter((r) => r.path.startsWith('/api/public/')).map((r) => r.path.slice('/api/public/'.length)),
      ...posts.filter((r) => r.path.startsWith('/api/agent/')).map((r) => r.path.slice('/api/'.length)),
    ]),
  ].sort()
})

/**
 * One query that digests every table's content; failed sign-ins are counted on purpose, so left out.
 * Run after every request, so a change is pinned on the request that made it.
 */
async function snapshotQuery(): Promise<() => Promise<string>> {
  const tables = (await t.db.execute(sql`select table_name::text as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'login_throttles' order by 1`)) as unknown as {
    rows: { name: string }[]
  }
  const parts = tables.rows.map(({ name }) => `(select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from "${name}" x)`)
  const query = sql.raw(`select ${parts.join(" || ',' || ")} as d`)
  return async () => ((await t.db.execute(query)) as unknown as { rows: { d: string }[] }).rows[0]!.d
}

async function send(verb: string, text: string, auth: string | null) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (auth) headers.Authorization = `Bearer ${auth}`
  const path = verb.startsWith('agent/') ? `/api/${verb}` : `/api/public/${verb}`
  const res = await t.app.request(path, { method: 'POST', headers, body: text })
  const body = await res.text()
  let parsed: any = null
  try {
    parsed = JSON.parse(body)
  } catch {}
  return { status: res.status, parsed, body }
}

describe('fuzzing every verb', () => {
  it('has a valid sample body for every verb', () => {
    const samples = sampleBodies(ids)
    expect(verbs.filter((v) => !(v in samples))).toEqual([])
  })

  it('answers malformed input with a 4xx and error_message, and a refused request changes nothing', { timeout: 600_000 }, async () => {
    const samples = sampleBodies(ids)
    const rng = prng(SEED)
    const snapshot = await snapshotQuery()
    const failures: string[] = []
    let sent = 0
    for (const verb of verbs) {
      const cases = fuzzCases(samples[verb]!, rng, RANDOM_CASES)
      // login needs no caller; logout ends the caller's sign-in, so each of its cases gets its own.
      const logoutUser = verb === 'logout' ? await t.seed.user() : null
      const tokens = logoutUser ? await Promise.all(cases.map(() => t.seed.tokenFor(logoutUser.id))) : []
      let before = await snapshot()
      for (const [n, c] of cases.entries()) {
        const r = await send(verb, c.text, verb === 'login' ? null : (tokens[n] ?? admin.token))
        sent++
        const where = `${verb} [${c.label.slice(0, 120)}] → ${r.status}`
        if (r.status >= 500) failures.push(`${where}: ${r.body.slice(0, 200)}`)
        else if (r.status >= 400 && typeof r.parsed?.error_message !== 'string') failures.push(`${where}: no error_message`)
        const after = await snapshot()
        if (r.status >= 400 && after !== before) failures.push(`${where}: refused, yet the database changed`)
        before = after
      }
    }
    expect(sent).toBeGreaterThan(verbs.length * 30)
    expect(failures).toEqual([])
  })
})
