// Part of `npm run bench`: what a Postgres restart costs Oriel's callers, measured against what it
// costs Postgres's own clients in the same run. A probe opens a fresh connection every few ms (the
// baseline: when Postgres itself refuses); 8 API callers loop on get_user through the edge's pool.
// Each round restarts Postgres (`pg_ctl restart -m fast`) under both loops. Per round: the probe's
// outage, the API's outage (first failed call to the first success after the last failure), the
// failed calls and their statuses, and how long after Postgres answered the API answered too.
// Prints a table, then one `BENCH_JSON {...}` line. Knobs: BENCH_FAULT_ROUNDS (5).
import pg from 'pg'
import { setup } from '../setup'

const ROUNDS = Math.max(1, Number(process.env.BENCH_FAULT_ROUNDS ?? 5))
const CALLERS = 8
type Sample = { start: number; end: number; ok: boolean; status: number }

/** From the first failure to the end of the first success after the last failure, in a time slice. */
function outage(samples: Sample[], from: number, to: number) {
  const slice = samples.filter((s) => s.start >= from && s.start < to)
  const failed = slice.filter((s) => !s.ok)
  if (failed.length === 0) return { ms: 0, failed: 0, recoveredAt: from, statuses: {} as Record<string, number> }
  const lastFail = Math.max(...failed.map((s) => s.start))
  const recovered = slice.filter((s) => s.ok && s.start > lastFail).sort((a, b) => a.end - b.end)[0]
  const recoveredAt = recovered?.end ?? to
  const statuses: Record<string, number> = {}
  for (const f of failed) statuses[f.status] = (statuses[f.status] ?? 0) + 1
  return { ms: recoveredAt - Math.min(...failed.map((s) => s.start)), failed: failed.length, recoveredAt, statuses }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main() {
  process.stdout.write('Postgres restart under load: starting Postgres, seeding...\n')
  const env = await setup()
  const probes: Sample[] = []
  const calls: Sample[] = []
  let running = true
  const probe = (async () => {
    while (running) {
      const start = performance.now()
      const client = new pg.Client({ connectionString: env.pg.url(), connectionTimeoutMillis: 5_000 })
      client.on('error', () => {})
      const ok = await client
        .connect()
        .then(() => client.query('select 1'))
        .then(
          () => true,
          () => false,
        )
      await client.end().catch(() => {})
      probes.push({ start, end: performance.now(), ok, status: ok ? 200 : 0 })
      await new Promise((r) => setTimeout(r, 2))
    }
  })()
  const body = JSON.stringify({ ...env.apiKey, target_user: { user_id: env.userIds[0] } })
  const callers = Array.from({ length: CALLERS }, async () => {
    while (running) {
      const start = performance.now()
      const res = await env.app.request('/api/public/get_user', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
      await res.arrayBuffer()
      calls.push({ start, end: performance.now(), ok: res.status === 200, status: res.status })
    }
  })
  const rounds: {
    pg_down_ms: number
    api_down_ms: number
    failed_calls: number
    calls_in_round: number
    statuses: Record<string, number>
    api_after_pg_ms: number
  }[] = []
  try {
    for (let r = 0; r < ROUNDS; r++) {
      await new Promise((res) => setTimeout(res, 1_000))
      const from = performance.now()
      await env.pg.ctl('restart')
      await new Promise((res) => setTimeout(res, 1_500))
      const to = performance.now()
      const base = outage(probes, from, to)
      const api = outage(calls, from, to)
      rounds.push({
        pg_down_ms: Math.round(base.ms),
        api_down_ms: Math.round(api.ms),
        failed_calls: api.failed,
        calls_in_round: calls.filter((s) => s.start >= from && s.start < to).length,
        statuses: api.statuses,
        api_after_pg_ms: Math.round(api.recoveredAt - base.recoveredAt),
      })
    }
  } finally {
    running = false
    await Promise.all([probe, ...callers])
    await env.database.close().catch(() => {})
    env.pg.stop()
  }
  console.log('\nround  postgres down  API down  ratio  failed calls (of)  statuses      API back after Postgres')
  for (const [i, r] of rounds.entries()) {
    const ratio = r.pg_down_ms > 0 ? (r.api_down_ms / r.pg_down_ms).toFixed(2) : 'n/a'
    console.log(
      `${String(i + 1).padEnd(6)} ${`${r.pg_down_ms} ms`.padEnd(14)} ${`${r.api_down_ms} ms`.padEnd(9)} ${ratio.padEnd(6)} ${`${r.failed_calls} (${r.calls_in_round})`.padEnd(18)} ${JSON.stringify(r.statuses).padEnd(13)} ${r.api_after_pg_ms} ms`,
    )
  }
  const summary = {
    rounds: ROUNDS,
    pg_down_ms_p50: median(rounds.map((r) => r.pg_down_ms)),
    api_down_ms_p50: median(rounds.map((r) => r.api_down_ms)),
    api_down_ratio_p50: +median(rounds.map((r) => (r.pg_down_ms > 0 ? r.api_down_ms / r.pg_down_ms : 1))).toFixed(2),
    failed_calls_p50: median(rounds.map((r) => r.failed_calls)),
    non_503_failures: rounds.reduce(
      (n, r) =>
        n +
        Object.entries(r.statuses)
          .filter(([s]) => s !== '503')
          .reduce((m, [, c]) => m + c, 0),
      0,
    ),
    api_after_pg_ms_p50: median(rounds.map((r) => r.api_after_pg_ms)),
  }
  console.log(
    `\nmedian: Postgres down ${summary.pg_down_ms_p50} ms, API down ${summary.api_down_ms_p50} ms (×${summary.api_down_ratio_p50} of Postgres's own), ${summary.failed_calls_p50} failed calls per restart, ${summary.non_503_failures} failures other than 503`,
  )
  console.log(`BENCH_JSON ${JSON.stringify({ postgres_restart: summary })}`)
}

await main()
