import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { timeOutcome, type MetricsText } from '#daemon-kit'
import type { Relay } from './relay/relay'

/**
 * A worker's metrics, in prom-client's global registry: the primary sums every worker's through node:cluster
 * (prom-client answers its requests in each worker), so one scrape covers the whole proxy.
 */
export function registerWorkerMetrics(relay: Pick<Relay, 'stats'>, registry?: Registry) {
  // Constructing one is what makes prom-client answer the primary's requests in a worker.
  if (!registry) new AggregatorRegistry()
  const registers = registry ? [registry] : undefined
  collectDefaultMetrics({ prefix: 'oriel_proxy_', ...(registry && { register: registry }) })
  new Gauge({
    name: 'oriel_proxy_connections',
    help: 'Browser connections being relayed',
    registers,
    collect() {
      this.set(relay.stats().connections)
    },
  })
  new Counter({
    name: 'oriel_proxy_relay_bytes_total',
    help: 'Bytes on the browsers’ sockets: up (from the browser) and down (to the browser)',
    labelNames: ['direction'],
    registers,
    collect() {
      const s = relay.stats()
      this.reset()
      this.inc({ direction: 'up' }, s.bytesUp)
      this.inc({ direction: 'down' }, s.bytesDown)
    },
  })
  new Counter({
    name: 'oriel_proxy_admissions_total',
    help: 'Browser connections admitted, or refused by HTTP status (bad, replayed or expired tokens)',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset()
      for (const [outcome, n] of relay.stats().admissions) this.inc({ outcome }, n)
    },
  })
}

/** The primary's own (the heartbeat's round trip) and, on a scrape, every worker's summed. */
export function createPrimaryMetrics() {
  const own = new Registry()
  const heartbeat = new Histogram({
    name: 'oriel_proxy_heartbeat_duration_seconds',
    help: 'Round trip of a heartbeat to the edge, answered or failed',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [own],
  })
  const workers = new AggregatorRegistry()
  const text: MetricsText = async () => ({
    body: `${await workers.clusterMetrics()}\n${await own.metrics()}`,
    contentType: own.contentType,
  })
  return {
    text,
    timeHeartbeat: <T>(run: () => Promise<T>) => timeOutcome(heartbeat, run),
  }
}
