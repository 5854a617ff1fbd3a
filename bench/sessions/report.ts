// The session bench's output: tables for people, then one `BENCH_JSON {...}` line with every figure.
import type { BaselineSample } from './baseline'
import type { OursSample } from './launch'
import { round1, rounded, summarize } from './stats'
import type { StreamResult } from './throughput'

export const TARGET_OVERHEAD_MS = 100

export type SessionReport = {
  env: Record<string, unknown>
  ours: OursSample[]
  baseline: BaselineSample[]
  stream: { ours: StreamResult[]; websockify: StreamResult[] }
  startedAt: number
}

const f1 = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1))
const row = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
const round3 = (n: number) => Math.round(n * 1000) / 1000
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1)

function milestoneTable(title: string, rows: [string, number[]][]): string[] {
  const widths = [44, 5, 8, 8, 8, 8]
  const lines = [
    title,
    row(['milestone (ms from t0)', 'n', 'p50', 'p95', 'min', 'max'], widths),
    widths.map((w) => '-'.repeat(w)).join('  '),
  ]
  for (const [name, values] of rows) {
    const s = summarize(values)
    lines.push(row([name, String(s.n), f1(s.p50), f1(s.p95), f1(s.min), f1(s.max)], widths))
  }
  return lines
}

export function buildReport(r: SessionReport) {
  const ours = summarize(r.ours.map((s) => s.update))
  const base = summarize(r.baseline.map((s) => s.update))
  const overhead = ours.p50 - base.p50
  const mbOurs = mean(r.stream.ours.map((s) => s.mbPerS))
  const mbWs = mean(r.stream.websockify.map((s) => s.mbPerS))
  return { ours, base, overhead, mbOurs, mbWs, ratio: mbOurs / mbWs }
}

export function printReport(r: SessionReport): void {
  const { ours, base, overhead, mbOurs, mbWs, ratio } = buildReport(r)
  const lines: string[] = ['']
  lines.push(
    `Oriel session bench: node ${r.env.node}, ${r.env.cpu}, docker ${r.env.docker}, image ${r.env.image} (${r.env.cores} cores, ${r.env.memory_mib} MiB)`,
  )
  lines.push(
    `  load average (1 min): ${r.env.load_avg_1m_start} at start, ${r.env.load_avg_1m_end} at end; everything here shares ${r.env.cpu_count} cores with whatever else runs`,
  )
  lines.push(`  click-to-desktop: ${r.env.launches} launches each, interleaved (ours, baseline, ...) after one untimed warm-up of each`)
  lines.push(
    `  ours: t0 = request_kasm sent; get_kasm_status every ${r.env.status_poll_ms} ms; RFB via the agent gateway (stream token, security None)`,
  )
  lines.push(
    `  baseline: t0 = dockerode create sent; create + start + inspect; banner poll every ${r.env.banner_poll_ms} ms; VncAuth straight to <IP>:5901`,
  )
  lines.push(
    '  both: handshake, one non-incremental full-screen request (no SetEncodings: Raw), stop at the first FramebufferUpdate read whole',
  )
  lines.push('')
  lines.push(
    ...milestoneTable('Ours (edge + agent + gateway):', [
      ['request_kasm answered', r.ours.map((s) => s.requested)],
      ['status first seen provisioning/starting', r.ours.flatMap((s) => (s.starting === null ? [] : [s.starting]))],
      ['status first seen running', r.ours.map((s) => s.running)],
      ['ServerInit through the gateway', r.ours.map((s) => s.serverInit)],
      ['first FramebufferUpdate  = click-to-desktop', r.ours.map((s) => s.update)],
    ]),
  )
  lines.push('')
  lines.push(
    ...milestoneTable('Baseline (bare dockerode create + start):', [
      ['container created', r.baseline.map((s) => s.created)],
      ['container started', r.baseline.map((s) => s.started)],
      ['RFB banner seen', r.baseline.map((s) => s.banner)],
      ['ServerInit (VncAuth, direct)', r.baseline.map((s) => s.serverInit)],
      ['first FramebufferUpdate  = click-to-desktop', r.baseline.map((s) => s.update)],
    ]),
  )
  lines.push('')
  const verdict = overhead <= TARGET_OVERHEAD_MS ? 'MEETS target' : 'MISSES target'
  lines.push(
    `Click-to-desktop overhead p50(ours) - p50(baseline) = ${f1(ours.p50)} - ${f1(base.p50)} = ${f1(overhead)} ms  (target <= ${TARGET_OVERHEAD_MS} ms: ${verdict})`,
  )
  lines.push('')
  const widths = [22, 4, 9, 9, 10, 10, 10]
  lines.push(
    `Relay throughput: ${r.stream.ours[0]?.width}x${r.stream.ours[0]?.height}x32bpp Raw, non-incremental full updates, 2 requests outstanding;`,
  )
  lines.push(
    `  client in its own process; ${r.env.stream_warmup_ms} ms warm-up then ${r.env.stream_ms} ms measured per run; runs alternate A B A B. MB = 10^6 bytes.`,
  )
  lines.push('  relay CPU = CPU of the relaying process(es) in the window / wall time (ours: the agent process, as deployed;')
  lines.push("  websockify: it and its forks); client CPU = the client process's own share (1 core = 100%).")
  lines.push(row(['path', 'run', 'MB/s', 'updates/s', 'relay CPU', 'MB/CPU-s', 'client CPU'], widths))
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
  const order = r.stream.ours.flatMap((s, i) => [
    ['A ours (gateway relay)', i, s] as const,
    ['B websockify 0.10', i, r.stream.websockify[i]!] as const,
  ])
  for (const [name, i, s] of order) {
    if (!s) continue
    const ups = s.updates / (s.ms / 1000)
    lines.push(
      row(
        [
          name,
          String(i + 1),
          f1(s.mbPerS),
          f1(ups),
          `${(100 * s.relayCpu).toFixed(0)}%`,
          f1(s.mbPerS / s.relayCpu),
          `${(100 * s.clientCpu).toFixed(0)}%`,
        ],
        widths,
      ),
    )
  }
  const tverdict = ratio >= 1 ? 'MEETS target' : 'MISSES target'
  lines.push(`Mean MB/s: ours ${f1(mbOurs)}, websockify ${f1(mbWs)}; ours/websockify = ${ratio.toFixed(2)}  (target >= 1.00: ${tverdict})`)
  lines.push('')
  lines.push(`Total ${((performance.now() - r.startedAt) / 1000).toFixed(1)} s`)
  console.log(lines.join('\n'))

  const json = {
    env: r.env,
    click_to_desktop_ms: {
      ours: rounded(ours),
      baseline: rounded(base),
      overhead_p50: round1(overhead),
      target_overhead_ms: TARGET_OVERHEAD_MS,
      meets_target: overhead <= TARGET_OVERHEAD_MS,
    },
    milestones_p50_ms: {
      ours: p50s(r.ours as unknown as Record<string, number | null>[]),
      baseline: p50s(r.baseline as unknown as Record<string, number | null>[]),
    },
    relay_throughput: {
      ours_mb_s: r.stream.ours.map((s) => round1(s.mbPerS)),
      websockify_mb_s: r.stream.websockify.map((s) => round1(s.mbPerS)),
      ours_relay_cpu: r.stream.ours.map((s) => round3(s.relayCpu)),
      websockify_relay_cpu: r.stream.websockify.map((s) => round3(s.relayCpu)),
      client_cpu: { ours: r.stream.ours.map((s) => round3(s.clientCpu)), websockify: r.stream.websockify.map((s) => round3(s.clientCpu)) },
      mean_ours_mb_s: round1(mbOurs),
      mean_websockify_mb_s: round1(mbWs),
      ratio: Math.round(ratio * 100) / 100,
      meets_target: ratio >= 1,
    },
    total_s: round1((performance.now() - r.startedAt) / 1000),
  }
  console.log(`BENCH_JSON ${JSON.stringify(json)}`)
}

function p50s(samples: Record<string, number | null>[]): Record<string, number> {
  const keys = Object.keys(samples[0] ?? {})
  return Object.fromEntries(
    keys.map((k) => [k, round1(summarize(samples.flatMap((s) => (s[k] === null || s[k] === undefined ? [] : [s[k]!]))).p50)]),
  )
}
