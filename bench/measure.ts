// One measurement of one route, in-process (`app.request` on this thread) or over HTTP (load from a
// worker thread against a server on this thread). Both also report this thread's event-loop
// utilisation (ELU) and CPU time over the measured phase, and how many SQL queries each request made.
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type pg from 'pg'
import type { HttpJob, HttpWorkerMessage } from './http-worker'
import { runLoad, type LoadResult } from './load'

export type Target = { name: string; path: string; bodies: string[] }
export type Measurement = LoadResult & {
  /** Share of the measured phase this (the server's) thread was busy: 1 = one core saturated. */
  elu: number
  /** CPU time of this (the server's) thread per request, user + system; null before Node 22.?. */
  cpuUsPerRequest: number | null
  /** SQL queries through the pool per request (0 for the bare route). */
  queriesPerRequest: number
}
export type Settings = { warmupMs: number; durationMs: number; maxRequests: number }
type Requester = { request: (path: string, init: RequestInit) => Response | Promise<Response> }

/** Counts queries sent through the pool (bench-side wrapper; the edge code is untouched). */
export function countQueries(pool: pg.Pool): { read: () => number } {
  let n = 0
  const original = pool.query.bind(pool) as (...args: unknown[]) => unknown
  ;(pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    n++
    return original(...args)
  }
  return { read: () => n }
}

type Snap = { elu: ReturnType<typeof performance.eventLoopUtilization>; cpu: NodeJS.CpuUsage | null; queries: number }
const threadCpu = (): NodeJS.CpuUsage | null => (typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : null)
const snap = (queries: { read: () => number }): Snap => ({
  elu: performance.eventLoopUtilization(),
  cpu: threadCpu(),
  queries: queries.read(),
})

const HEADERS = { 'Content-Type': 'application/json' }

export async function inProcess(
  app: Requester,
  t: Target,
  concurrency: number,
  s: Settings,
  queries: { read: () => number },
): Promise<Measurement> {
  let s0 = snap(queries)
  const result = await runLoad({
    ...s,
    concurrency,
    onMeasureStart: () => {
      s0 = snap(queries)
    },
    send: async (i) => {
      const res = await app.request(t.path, { method: 'POST', headers: HEADERS, body: t.bodies[i % t.bodies.length]! })
      if (res.status === 200) {
        await res.arrayBuffer()
        return { status: 200 }
      }
      return { status: res.status, body: await res.text() }
    },
  })
  return finish(result, s0, queries)
}

export async function overHttp(
  port: number,
  t: Target,
  concurrency: number,
  s: Settings,
  queries: { read: () => number },
): Promise<Measurement> {
  const job: HttpJob = { port, path: t.path, bodies: t.bodies, concurrency, ...s }
  const worker = new Worker(new URL('./http-worker.ts', import.meta.url), { workerData: job })
  let s0 = snap(queries)
  const limitMs = s.warmupMs + s.durationMs + 20_000
  try {
    const result = await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`HTTP load for ${t.name} did not finish within ${limitMs} ms`)), limitMs)
      worker.on('message', (m: HttpWorkerMessage) => {
        if ('measuring' in m) {
          s0 = snap(queries)
          return
        }
        clearTimeout(timer)
        if (m.ok) resolve(m.result)
        else reject(new Error(`HTTP load worker failed: ${m.error}`))
      })
      worker.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
    })
    return finish(result, s0, queries)
  } finally {
    await worker.terminate()
  }
}

function finish(r: LoadResult, s0: Snap, queries: { read: () => number }): Measurement {
  // Over the measured phase only (the tail after the last response is a few ms at most).
  const elu = performance.eventLoopUtilization(s0.elu).utilization
  const cpu = threadCpu()
  const n = Math.max(1, r.requests)
  const cpuUsPerRequest = cpu && s0.cpu ? (cpu.user - s0.cpu.user + cpu.system - s0.cpu.system) / n : null
  return { ...r, elu, cpuUsPerRequest, queriesPerRequest: (queries.read() - s0.queries) / n }
}
