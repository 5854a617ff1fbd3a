// Summaries of a list of timings: nearest-rank percentiles, as the other bench reports them.
export type Summary = { n: number; p50: number; p95: number; min: number; max: number; mean: number }

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b)
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  }
}

export const round1 = (n: number) => Math.round(n * 10) / 10

/** The summary with every figure rounded to 0.1 (for BENCH_JSON). */
export const rounded = (s: Summary): Summary => ({
  n: s.n,
  p50: round1(s.p50),
  p95: round1(s.p95),
  min: round1(s.min),
  max: round1(s.max),
  mean: round1(s.mean),
})
