// A closed-loop load generator: `concurrency` callers each send one request, wait for the whole
// response, and send the next, until the time or the request budget runs out. Used in-process
// (with `app.request`) and, in a worker thread, over HTTP (see http-worker.ts).

/** One response: its status and, when it is not the expected one, the start of its body. */
export type Reply = { status: number; body?: string }

export type LoadOptions = {
  concurrency: number
  warmupMs: number
  durationMs: number
  /** Hard cap on requests in the measured phase, so a loop can never run away. */
  maxRequests: number
  /** Sends request number `i` and resolves when its response body has been read. */
  send: (i: number) => Promise<Reply>
  /** Called as the measured phase starts (after the warm-up), e.g. to start counters. */
  onMeasureStart?: () => void
}

export type LoadResult = {
  requests: number
  failures: number
  /** Up to five distinct failures, e.g. "500 {"error_message":...}". */
  failureSamples: string[]
  elapsedMs: number
  rps: number
  p50Ms: number
  p99Ms: number
}

const WARMUP_MAX_REQUESTS = 200_000

/** Warms up (results discarded), then measures. Errors thrown by `send` count as failures. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  await phase(o, o.warmupMs, WARMUP_MAX_REQUESTS)
  o.onMeasureStart?.()
  return phase(o, o.durationMs, o.maxRequests)
}

async function phase(o: LoadOptions, durationMs: number, maxRequests: number): Promise<LoadResult> {
  const latencies: number[] = []
  const samples = new Set<string>()
  let started = 0
  let failures = 0
  const t0 = performance.now()
  const deadline = t0 + durationMs
  const caller = async () => {
    while (started < maxRequests && performance.now() < deadline) {
      const i = started++
      const s = performance.now()
      let failure: string | null = null
      try {
        const r = await o.send(i)
        if (r.status !== 200) failure = `${r.status} ${(r.body ?? '').slice(0, 160)}`
      } catch (err) {
        failure = `error ${(err as Error).message}`.slice(0, 160)
      }
      latencies.push(performance.now() - s)
      if (failure !== null) {
        failures++
        if (samples.size < 5) samples.add(failure)
      }
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, caller))
  const elapsedMs = performance.now() - t0
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0
  return {
    requests: latencies.length,
    failures,
    failureSamples: [...samples],
    elapsedMs,
    rps: latencies.length / (elapsedMs / 1000),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  }
}
