// The HTTP load generator, in a worker thread so it does not share the server's event loop:
// the main thread then measures only the server. Keep-alive connections, one per in-flight request.
import { Agent, request } from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'
import { runLoad, type LoadResult, type Reply } from './load'

export type HttpJob = {
  /** Loopback only: the bench never sends load anywhere else. */
  port: number
  path: string
  /** Request bodies, sent in turn. */
  bodies: string[]
  concurrency: number
  warmupMs: number
  durationMs: number
  maxRequests: number
}
export type HttpJobResult = { ok: true; result: LoadResult } | { ok: false; error: string }
/** Messages to the parent: `{ measuring: true }` when the warm-up ends, then one HttpJobResult. */
export type HttpWorkerMessage = { measuring: true } | HttpJobResult

const job = workerData as HttpJob
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency })
const bodies = job.bodies.map((b) => Buffer.from(b))

function send(i: number): Promise<Reply> {
  const body = bodies[i % bodies.length]!
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: job.port,
        path: job.path,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
      },
      (res) => {
        const status = res.statusCode ?? 0
        if (status === 200) {
          res
            .on('end', () => resolve({ status }))
            .on('error', reject)
            .resume()
          return
        }
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') })).on('error', reject)
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out after 10 s')))
    req.on('error', reject)
    req.end(body)
  })
}

runLoad({ ...job, send, onMeasureStart: () => parentPort!.postMessage({ measuring: true }) })
  .then((result) => parentPort!.postMessage({ ok: true, result } satisfies HttpJobResult))
  .catch((err: Error) => parentPort!.postMessage({ ok: false, error: String(err?.stack ?? err) } satisfies HttpJobResult))
  .finally(() => agent.destroy())
