import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Histogram } from 'prom-client'

/** The exposition a daemon serves: prom-client's text and its content type. */
export type MetricsText = () => Promise<{ body: string; contentType: string }>

/**
 * GET /metrics for a daemon's HTTP server: 404 when no token is configured (no metrics), 401 without the
 * token (`Authorization: Bearer <token>`), else the text. Answers whether the request was this one.
 */
export function serveMetrics(req: IncomingMessage, res: ServerResponse, token: string | undefined, text: MetricsText): boolean {
  if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://daemon').pathname !== '/metrics') return false
  if (!token) return (void res.writeHead(404).end(), true)
  const given = Buffer.from(req.headers.authorization ?? '')
  const expected = Buffer.from(`Bearer ${token}`)
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return (void res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end(), true)
  text().then(
    ({ body, contentType }) => res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body),
    () => res.writeHead(500).end(),
  )
  return true
}

/** Runs `run` and observes how long it took on `histogram`, labelled `outcome` ok or error. */
export async function timeOutcome<T>(histogram: Histogram<'outcome'>, run: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer()
  try {
    const out = await run()
    end({ outcome: 'ok' })
    return out
  } catch (err) {
    end({ outcome: 'error' })
    throw err
  }
}
