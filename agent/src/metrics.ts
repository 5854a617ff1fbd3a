import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { timeOutcome } from '#daemon-kit'
import type { ReportedSession } from '#schema'

/**
 * The agent's Prometheus metrics (GET /metrics on its gateway, behind ORIEL_AGENT_METRICS_TOKEN): its
 * sessions by state, the desktop streams it relays and their bytes, how long each poll of the edge takes.
 */
export function createAgentMetrics(sessions: () => ReportedSession[]) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'oriel_agent_' })
  const registers = [registry]
  new Gauge({
    name: 'oriel_agent_sessions',
    help: 'Sessions on this agent by state',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset()
      for (const s of sessions()) this.inc({ state: s.state })
    },
  })
  const streams = new Gauge({ name: 'oriel_agent_streams', help: 'Browser streams being relayed', registers })
  const bytes = new Counter({
    name: 'oriel_agent_relay_bytes_total',
    help: 'Bytes relayed after DLP: up (browser to desktop) and down (desktop to browser)',
    labelNames: ['direction'],
    registers,
  })
  const poll = new Histogram({
    name: 'oriel_agent_poll_duration_seconds',
    help: 'Round trip of a poll to the edge, answered or failed',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  })
  return {
    text: async () => ({ body: await registry.metrics(), contentType: registry.contentType }),
    streamOpened: () => streams.inc(),
    streamClosed: () => streams.dec(),
    relayed: (direction: 'up' | 'down', n: number) => bytes.inc({ direction }, n),
    /** Times a poll: its duration lands under `ok` or `error`. */
    timePoll: <T>(run: () => Promise<T>) => timeOutcome(poll, run),
  }
}
export type AgentMetrics = ReturnType<typeof createAgentMetrics>
