// `npm run bench`: requests/second for the Kasm verbs get_user and get_images against a real
// Postgres, in-process (`app.request`) and over HTTP (@hono/node-server via createEdgeServer), next
// to a bare Hono route measured the same two ways. Prints a table, then one `BENCH_JSON {...}` line.
//
// Knobs (env): BENCH_DURATION_MS (3000), BENCH_WARMUP_MS (1000, per figure), BENCH_INPROC_CONCURRENCY (8),
// BENCH_HTTP_CONCURRENCY (16).
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { cpus } from 'node:os'
import type { AddressInfo } from 'node:net'
import { createEdgeServer } from '../edge/src/node/server'
import { countQueries, inProcess, overHttp, type Settings, type Target } from './measure'
import { printReport, type Report } from './report'
import { POOL_MAX, SEED_IMAGES, SEED_USERS, setup, type BenchEnv } from './setup'

const num = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`)
  return n
}
const settings: Settings = {
  warmupMs: num('BENCH_WARMUP_MS', 1000),
  durationMs: Math.min(num('BENCH_DURATION_MS', 3000), 10_000),
  maxRequests: 500_000,
}
const inprocConcurrency = num('BENCH_INPROC_CONCURRENCY', 8)
const httpConcurrency = num('BENCH_HTTP_CONCURRENCY', 16)
export const TARGET_RPS_PER_CORE = 3000
const PRIME_MS = 1500

async function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<ServerType> {
  return new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
}
const closeServer = (s: ServerType) => new Promise<void>((resolve) => s.close(() => resolve()))

async function main() {
  const t0 = performance.now()
  let env: BenchEnv | undefined
  const cleanups: (() => Promise<void> | void)[] = []
  const cleanup = async () => {
    for (const f of cleanups.splice(0).reverse()) await Promise.resolve(f()).catch((e) => console.error('cleanup:', e))
  }
  const onSignal = () => void cleanup().finally(() => process.exit(130))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    process.stdout.write('Starting Postgres, migrating, seeding...\n')
    env = await setup()
    const e = env
    cleanups.push(
      () => e.pg.stop(),
      () => e.database.close(),
    )
    const queries = countQueries(e.database.pool)
    const pgVersion = String(((await e.database.pool.query('show server_version')).rows[0] as { server_version: string }).server_version)

    const bare = new Hono().post('/x', (c) => c.json({ ok: true }))
    const keyBody = JSON.stringify(e.apiKey)
    const targets: Target[] = [
      { name: 'bare', path: '/x', bodies: [keyBody] },
      {
        name: 'get_user',
        path: '/api/public/get_user',
        bodies: e.userIds.map((id) => JSON.stringify({ ...e.apiKey, target_user: { user_id: id } })),
      },
      { name: 'get_images', path: '/api/public/get_images', bodies: [keyBody] },
    ]

    // Prime once (JIT, pool connections) so the first figure is not the coldest.
    process.stdout.write(`  priming (${PRIME_MS} ms)...\n`)
    for (const t of targets.slice(1)) {
      await inProcess(e.app, t, inprocConcurrency, { warmupMs: 0, durationMs: PRIME_MS / 2, maxRequests: 100_000 }, queries)
    }

    const results: Report['results'] = { in_process: {}, http: {} }
    for (const t of targets) {
      process.stdout.write(`  in-process ${t.name}...\n`)
      results.in_process[t.name] = await inProcess(t.name === 'bare' ? bare : e.app, t, inprocConcurrency, settings, queries)
    }

    const bareServer = await listen(bare.fetch)
    cleanups.push(() => closeServer(bareServer))
    const edge = createEdgeServer({
      db: e.deps.db,
      config: e.deps.config,
      clock: e.deps.clock,
      log: e.deps.log,
      port: 0,
      hostname: '127.0.0.1',
    })
    const { port: edgePort } = await edge.start()
    cleanups.push(() => edge.close())
    const barePort = (bareServer.address() as AddressInfo).port
    for (const t of targets) {
      process.stdout.write(`  http ${t.name}...\n`)
      results.http[t.name] = await overHttp(t.name === 'bare' ? barePort : edgePort, t, httpConcurrency, settings, queries)
    }

    printReport({
      env: {
        node: process.version,
        cpu: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
        postgres: pgVersion,
        pool_max: POOL_MAX,
        seeded_users: SEED_USERS,
        seeded_images: SEED_IMAGES,
        inproc_concurrency: inprocConcurrency,
        http_concurrency: httpConcurrency,
        warmup_ms: settings.warmupMs,
        duration_ms: settings.durationMs,
        setup_ms: e.timings,
      },
      target_rps_per_core: TARGET_RPS_PER_CORE,
      results,
      startedAt: t0,
    })
  } finally {
    await cleanup()
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error('bench failed:', err)
    process.exit(1)
  },
)
