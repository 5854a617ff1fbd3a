import { timingSafeEqual } from 'node:crypto'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

/** Kasm's launch outcomes by the answer's status: a full server or no agent that fits are not errors of the edge. */
const LAUNCH_OUTCOME: Record<number, string> = {
  200: 'placed',
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'full',
  429: 'throttled',
  503: 'unavailable',
}
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * The edge's Prometheus metrics on Node (GET /metrics with `Authorization: Bearer <ORIEL_METRICS_TOKEN>`):
 * requests by verb and status with latency, sign-in failures, launches by outcome and the time a launch
 * takes to be placed (request_kasm's one transaction), plus the process's own.
 */
export function createEdgeMetrics(o: { verbs: ReadonlySet<string>; token: string | undefined }) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'oriel_edge_' })
  const registers = [registry]
  const requests = new Counter({
    name: 'oriel_edge_requests_total',
    help: 'API requests by verb and status',
    labelNames: ['verb', 'status'],
    registers,
  })
  const latency = new Histogram({
    name: 'oriel_edge_request_duration_seconds',
    help: 'API request latency by verb',
    labelNames: ['verb'],
    buckets: SECONDS,
    registers,
  })
  const signInFailures = new Counter({
    name: 'oriel_edge_sign_in_failures_total',
    help: 'Sign-ins refused, by status (401 wrong credentials, 429 throttled)',
    labelNames: ['status'],
    registers,
  })
  const launches = new Counter({
    name: 'oriel_edge_launches_total',
    help: 'request_kasm calls by outcome',
    labelNames: ['outcome'],
    registers,
  })
  const placement = new Histogram({
    name: 'oriel_edge_placement_duration_seconds',
    help: 'Time to place a launched session (request_kasm answered 200)',
    buckets: SECONDS,
    registers,
  })

  /** The verb a path names, from a closed set so a scanner cannot grow the label space. */
  function verbOf(path: string): string {
    const m = path.match(/^\/api\/(public|admin|agent|proxy)\/([^/]+)$/)
    if (m) {
      const verb = m[1] === 'agent' || m[1] === 'proxy' ? `${m[1]}/${m[2]}` : m[2]!
      return o.verbs.has(verb) ? verb : 'unknown'
    }
    if (path === '/api/__healthcheck') return 'healthcheck'
    if (path === '/api/openapi.json') return 'openapi'
    return path.startsWith('/api/') ? 'unknown' : 'dashboard'
  }

  const expected = o.token ? Buffer.from(`Bearer ${o.token}`) : undefined
  return {
    observe(path: string, status: number, seconds: number) {
      const verb = verbOf(path)
      if (verb === 'dashboard') return
      requests.inc({ verb, status: String(status) })
      latency.observe({ verb }, seconds)
      if (verb === 'login' && status !== 200) signInFailures.inc({ status: String(status) })
      if (verb === 'request_kasm') {
        launches.inc({ outcome: LAUNCH_OUTCOME[status] ?? 'error' })
        if (status === 200) placement.observe(seconds)
      }
    },
    /** GET /metrics: 404 when no token is configured, 401 without it, else the text exposition. */
    async serve(authorization: string | undefined): Promise<Response> {
      if (!expected) return new Response('Not found\n', { status: 404 })
      const given = Buffer.from(authorization ?? '')
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return new Response('Unauthorized\n', { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } })
      return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } })
    },
  }
}
export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>
