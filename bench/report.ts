// The bench's output: a table for people, then one `BENCH_JSON {...}` line with every figure.
import type { Measurement } from './measure'

export type Report = {
  env: Record<string, unknown>
  target_rps_per_core: number
  results: { in_process: Record<string, Measurement>; http: Record<string, Measurement> }
  /** performance.now() when the run began, for the total time. */
  startedAt: number
}

const VERBS = ['get_user', 'get_images'] as const
const MODES = [['in_process', 'in-process'], ['http', 'http'] as const] as const
const r0 = (n: number) => Math.round(n)
const r2 = (n: number) => Math.round(n * 100) / 100
const valid = (m: Measurement | undefined) => !!m && m.failures === 0 && m.requests > 0

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ')
}

export function printReport(r: Report): void {
  const { results } = r
  const ratio = (mode: 'in_process' | 'http', verb: string) => {
    const bare = results[mode].bare
    const ours = results[mode][verb]
    return bare && ours && ours.rps > 0 ? bare.rps / ours.rps : NaN
  }
  const widths = [11, 10, 7, 7, 7, 5, 8, 9, 7, 5, 9]
  const perCpu = (m: Measurement) => (m.cpuUsPerRequest ? 1e6 / m.cpuUsPerRequest : null)
  const lines: string[] = []
  lines.push('')
  lines.push(`Oriel bench: node ${r.env.node}, ${r.env.cpu}, Postgres ${r.env.postgres} (local, fsync off), pool max ${r.env.pool_max}`)
  lines.push(`  in-process: app.request, ${r.env.inproc_concurrency} in flight, one thread (load + app + pg driver)`)
  lines.push(`  http:       @hono/node-server on 127.0.0.1, ${r.env.http_concurrency} keep-alive connections, load from a worker thread`)
  lines.push(`  each figure: ${r.env.warmup_ms} ms warm-up, then ${r.env.duration_ms} ms measured; every response must be 200`)
  lines.push('')
  lines.push(row(['route', 'mode', 'req/s', 'p50 ms', 'p99 ms', 'ELU', 'CPU us', 'req/CPU-s', 'SQL/req', 'fails', 'bare/ours'], widths))
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const [mode, label] of MODES) {
    for (const name of ['bare', ...VERBS]) {
      const m = results[mode][name]
      if (!m) continue
      lines.push(
        row(
          [
            name === 'bare' ? 'bare Hono' : name,
            label,
            valid(m) ? r0(m.rps) : `${r0(m.rps)}!`,
            m.p50Ms.toFixed(2),
            m.p99Ms.toFixed(2),
            m.elu.toFixed(2),
            m.cpuUsPerRequest?.toFixed(0) ?? '-',
            r0(perCpu(m) ?? NaN),
            m.queriesPerRequest.toFixed(1),
            m.failures,
            name === 'bare' ? '1.0x' : `${ratio(mode, name).toFixed(1)}x`,
          ],
          widths,
        ),
      )
    }
  }
  lines.push('')
  lines.push("ELU = share of the measured time the main thread (the app / the HTTP server) was busy. CPU us = that thread's")
  lines.push("CPU time per request; req/CPU-s = requests per second of that thread's CPU (1e6 / CPU us). SQL/req = queries")
  lines.push('sent through the pool per request. bare/ours = bare req/s / verb req/s (same mode). Postgres shares the 2 cores.')
  const bareHttp = results.http.bare
  if (bareHttp && bareHttp.elu < 0.9) {
    const cpuRatios = VERBS.map((v) => {
      const m = results.http[v]
      const a = perCpu(bareHttp)
      const b = m && perCpu(m)
      return `${v} ${a && b ? (a / b).toFixed(1) : '?'}x`
    })
    lines.push(
      `Note: bare Hono over HTTP kept the server thread only ${(100 * bareHttp.elu).toFixed(0)}% busy: that figure is limited by the`,
    )
    lines.push(`load generator, so the HTTP bare/ours ratio understates the gap. By server CPU per request: ${cpuRatios.join(', ')}.`)
  }
  lines.push('')
  // Per core = requests per CPU-second of the edge's own thread (app, validation, pg client). Postgres
  // shares this 2-core machine, so wall-clock req/s also measures Postgres; in production it is a
  // separate service (Neon), and edge CPU is what Workers bill and what scales with cores.
  lines.push(`Per core, in-process: requests per CPU-second of the edge thread; target >= ${r.target_rps_per_core}:`)
  for (const v of VERBS) {
    const m = results.in_process[v]
    if (!m) continue
    const perCore = perCpu(m) ?? 0
    const verdict = !valid(m) ? 'INVALID (failures)' : perCore >= r.target_rps_per_core ? 'MEETS target' : 'BELOW target'
    lines.push(
      `  ${v.padEnd(11)} ${String(r0(perCore)).padStart(6)} req/s/core  ${verdict} (${((100 * perCore) / r.target_rps_per_core).toFixed(0)}% of target); ` +
        `wall clock ${r0(m.rps)} req/s with Postgres on the same 2 cores`,
    )
  }
  const failed = MODES.flatMap(([mode, label]) =>
    Object.entries(results[mode])
      .filter(([, m]) => !valid(m))
      .map(([n, m]) => ({ n, label, m })),
  )
  if (failed.length > 0) {
    lines.push('')
    lines.push('FAILURES (figures marked ! are invalid):')
    for (const { n, label, m } of failed) {
      lines.push(`  ${n} ${label}: ${m.failures} of ${m.requests} failed`)
      for (const s of m.failureSamples) lines.push(`    ${s}`)
    }
  }
  const totalS = (performance.now() - r.startedAt) / 1000
  lines.push('')
  lines.push(`Total ${totalS.toFixed(1)} s`)
  console.log(lines.join('\n'))

  const json = (m: Measurement) => ({
    rps: r0(m.rps),
    p50_ms: r2(m.p50Ms),
    p99_ms: r2(m.p99Ms),
    elu: r2(m.elu),
    cpu_us_per_request: m.cpuUsPerRequest === null ? null : r0(m.cpuUsPerRequest),
    requests_per_cpu_second: perCpu(m) === null ? null : r0(perCpu(m)!),
    queries_per_request: r2(m.queriesPerRequest),
    requests: m.requests,
    failures: m.failures,
    valid: valid(m),
    ...(m.failureSamples.length > 0 && { failure_samples: m.failureSamples }),
  })
  const mapMode = (mode: 'in_process' | 'http') => Object.fromEntries(Object.entries(results[mode]).map(([n, m]) => [n, json(m)]))
  const ratios = (mode: 'in_process' | 'http') => Object.fromEntries(VERBS.map((v) => [v, r2(ratio(mode, v))]))
  const perCore = Object.fromEntries(VERBS.map((v) => [v, r0(perCpu(results.in_process[v]!) ?? 0)]))
  const out = {
    env: r.env,
    target_rps_per_core: r.target_rps_per_core,
    in_process: mapMode('in_process'),
    http: mapMode('http'),
    ratio_bare_over_ours: { in_process: ratios('in_process'), http: ratios('http') },
    per_core_in_process: perCore,
    meets_target: Object.fromEntries(VERBS.map((v) => [v, valid(results.in_process[v]) && perCore[v]! >= r.target_rps_per_core])),
    valid: MODES.every(([mode]) => Object.values(results[mode]).every(valid)),
    total_s: r2(totalS),
  }
  console.log(`BENCH_JSON ${JSON.stringify(out)}`)
}
