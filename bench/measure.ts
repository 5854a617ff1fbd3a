// One measurement of one route, in-process (`app.request` on this thread) or over HTTP (load from a
// worker thread against a server on this thread). Both also report this thread's event-loop
// utilisation (ELU) over the measured phase, and how many SQL queries each request made.
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type pg from 'pg'
import type { HttpJob, HttpWorkerMessage } from './http-worker'
import { runLoad, type LoadResult } from './load'

export type Target = { name: string; path: string; bodies: string[] }
export type Measurement = LoadResult & {
  /** Share of the measured phase this (the server's) thread was busy: 1 = one core saturated. */
  elu: number
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

const HEADERS = { 'Content-Type': 'application/json' }

export async function inProcess(app: Requester, t: Target, concurrency: number, s: Settings, queries: { read: () => number }): Promise<Measurement> {
  let elu0 = performance.eventLoopUtilization()
  let q0 = 0
  const result = await runLoad({
    ...s,
    concurrency,
    onMeasureStart: () => {
      elu0 = performance.eventLoopUtilization()
      q0 = queries.read()
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
  return finish(result, elu0, queries.read() - q0)
}

export async function overHttp(port: number, t: Target, concurrency: number, s: Settings, queries: { read: () => number }): Promise<Measurement> {
  const job: HttpJob = { port, path: t.path, bodies: t.bodies, concurrency, ...s }
  const worker = new Worker(new URL('./http-worker.ts', import.meta.url), { workerData: job })
  let elu0 = performance.eventLoopUtilization()
  let q0 = queries.read()
  const limitMs = s.warmupMs + s.durationMs + 20_000
  try {
    const result = await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`HTTP load for ${t.name} did not finish within ${limitMs} ms`)), limitMs)
      worker.on('message', (m: HttpWorkerMessage) => {
        if ('measuring' in m) {
          elu0 = performance.eventLoopUtilization()
          q0 = queries.read()
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
    return finish(result, elu0, queries.read() - q0)
  } finally {
    await worker.terminate()
  }
}

function finish(r: LoadResult, elu0: ReturnType<typeof performance.eventLoopUtilization>, queries: number): Measurement {
  // ELU over the measured phase only (the tail after the last response is a few ms at most).
  const elu = performance.eventLoopUtilization(elu0).utilization
  return { ...r, elu, queriesPerRequest: r.requests > 0 ? queries / r.requests : 0 }
}
