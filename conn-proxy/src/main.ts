// The connection proxy daemon. Only this file touches the process: configuration, the worker
// cluster (node:cluster, `--cluster-size` workers on one port, seed 000), signals and exit codes.
import cluster from 'node:cluster'
import { hostname } from 'node:os'
import { createSignedEdgeClient, createTokenVerifier, loadIdentity, readFlags } from '#daemon-kit'
import {
  createConnProxy,
  createEdgeRedeem,
  createProxyServer,
  createRelay,
  FLAGS,
  jsonLogger,
  loadConfig,
  createPrimaryMetrics,
  registerWorkerMetrics,
  watchGuacd,
  type GuacdHealth,
} from './index'

/** Under a service manager's usual 10 s stop timeout (deploy/oriel-conn-proxy.service: TimeoutStopSec=10). */
const STOP_DEADLINE_MS = 8_000

/** What a worker tells the primary: its live browser connections, or that a scrape of /metrics came in. */
type WorkerReport = { type: 'connections'; count: number; kasms: string[] } | { type: 'metrics-request'; id: number }
/** The primary's answer to a scrape: every worker's metrics summed, and its own. */
type MetricsReply = { type: 'metrics'; id: number; body: string; contentType: string } | { type: 'metrics'; id: number; error: string }
/** What the primary tells the workers: guacd's health as last probed. */
type GuacdNews = { type: 'guacd'; health: GuacdHealth }
/** What the primary tells the workers: sessions whose connections must end now (the heartbeat's close_kasms). */
type CloseKasms = { type: 'close-kasms'; kasm_ids: string[] }

function onStop(stop: (signal: string) => Promise<void>) {
  let stopping = false
  const handler = (signal: string) => {
    if (stopping) return
    stopping = true
    setTimeout(() => {
      console.error(`oriel-conn-proxy: not stopped ${STOP_DEADLINE_MS / 1000} s after ${signal}; exiting`)
      process.exit(1)
    }, STOP_DEADLINE_MS).unref()
    void stop(signal).finally(() => process.exit(0))
  }
  process.on('SIGTERM', () => handler('SIGTERM'))
  process.on('SIGINT', () => handler('SIGINT'))
}

async function primary() {
  const config = loadConfig({ ...process.env, ...readFlags(FLAGS) }, hostname())
  const counts = new Map<number, { count: number; kasms: string[] }>()
  const toWorkers = (m: GuacdNews | CloseKasms) => {
    for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send(m)
  }
  const metrics = createPrimaryMetrics()
  const proxy = createConnProxy({
    config,
    log: jsonLogger,
    timeHeartbeat: metrics.timeHeartbeat,
    connections: () => [...counts.values()].reduce((a, b) => a + b.count, 0),
    kasms: () => [...new Set([...counts.values()].flatMap((c) => c.kasms))],
    // Each worker holds its own connections; the one that has the session's ends them.
    onClose: (kasmIds) => toWorkers({ type: 'close-kasms', kasm_ids: kasmIds }),
  })
  // Enrol before the workers start, so a bad token stops the process before it serves anything.
  const { proxyId } = await proxy.start()
  let stopping = false
  let guacd: GuacdNews = { type: 'guacd', health: { ok: false, error: 'guacd has not been probed yet' } }
  const stopWatch = watchGuacd(config.guacd, (health) => {
    if (health.ok !== guacd.health.ok) jsonLogger[health.ok ? 'info' : 'error']('guacd health changed', health)
    guacd = { type: 'guacd', health }
    toWorkers(guacd)
  })
  const fork = () => {
    const worker = cluster.fork({ ...process.env, ORIEL_PROXY_WORKER_CONFIG: JSON.stringify(config) })
    worker.on('online', () => worker.send(guacd))
    worker.on('message', (m: WorkerReport) => {
      if (m.type === 'connections') counts.set(worker.id, { count: m.count, kasms: m.kasms })
      if (m.type === 'metrics-request')
        metrics.text().then(
          (t) => worker.send({ type: 'metrics', id: m.id, ...t } satisfies MetricsReply),
          (err: Error) => worker.send({ type: 'metrics', id: m.id, error: err.message } satisfies MetricsReply),
        )
    })
    worker.on('exit', (code, signal) => {
      counts.delete(worker.id)
      if (stopping) return
      // A worker that dies is replaced: the others keep serving meanwhile.
      jsonLogger.error('worker died; starting another', { pid: worker.process.pid, code, signal })
      fork()
    })
  }
  for (let i = 0; i < config.clusterSize; i++) fork()
  jsonLogger.info('conn-proxy running', { proxy_id: proxyId, port: config.listenPort, cluster_size: config.clusterSize })
  onStop(async () => {
    stopping = true
    stopWatch()
    await Promise.all([proxy.close(), new Promise<void>((r) => cluster.disconnect(() => r()))])
  })
}

async function worker() {
  const config = JSON.parse(process.env.ORIEL_PROXY_WORKER_CONFIG!) as ReturnType<typeof loadConfig>
  // A worker must not die of one connection's error: log it and go on (the primary replaces it if it does).
  process.on('unhandledRejection', (err) => jsonLogger.error('unhandled rejection in a worker', { error: String(err) }))
  let guacd: GuacdHealth = { ok: false, error: 'guacd has not been probed yet' }
  // The primary enrolled before forking: the identity file holds the proxy's id and the edge's public keys.
  const identity = await loadIdentity(config.dataDir, 'proxy')
  const verifier = createTokenVerifier(identity)
  const relay = createRelay({
    guacd: config.guacd,
    verify: (token) => verifier(token, 'connect'),
    redeem: createEdgeRedeem(createSignedEdgeClient(config.edgeUrl, identity)),
    log: jsonLogger,
    onCount: (count, kasms) => process.send?.({ type: 'connections', count, kasms } satisfies WorkerReport),
  })
  process.on('message', (m: GuacdNews | CloseKasms | MetricsReply) => {
    if (m.type === 'metrics') (scrapes.get(m.id)?.(m), scrapes.delete(m.id))
    if (m.type === 'guacd') guacd = m.health
    if (m.type === 'close-kasms') for (const id of m.kasm_ids) relay.closeKasm(id)
  })
  registerWorkerMetrics(relay)
  // A scrape lands on whichever worker accepted it; the primary gathers every worker's.
  const scrapes = new Map<number, (reply: MetricsReply) => void>()
  let nextScrape = 0
  const text = () =>
    new Promise<{ body: string; contentType: string }>((resolve, reject) => {
      const id = nextScrape++
      const timer = setTimeout(() => (scrapes.delete(id), reject(new Error('the primary did not answer'))), 10_000)
      scrapes.set(id, (r) => (clearTimeout(timer), 'error' in r ? reject(new Error(r.error)) : resolve(r)))
      process.send?.({ type: 'metrics-request', id } satisfies WorkerReport)
    })
  const server = createProxyServer({
    host: config.listenHost,
    port: config.listenPort,
    guacdHealth: () => guacd,
    log: jsonLogger,
    relay,
    metrics: { token: config.metricsToken, text },
  })
  await server.listen()
  process.on('disconnect', () => void server.close().finally(() => process.exit(0)))
  onStop(() => server.close())
}

try {
  await (cluster.isPrimary ? primary() : worker())
} catch (err) {
  console.error(`oriel-conn-proxy: ${(err as Error).message}`)
  process.exit(1)
}
