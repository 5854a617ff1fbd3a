import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { serveMetrics, type Logger, type MetricsText } from '#daemon-kit'
import type { GuacdHealth } from './guacd'
import type { Relay } from './relay/relay'

export type ProxyServerOptions = {
  host: string
  port: number
  /** guacd's health as last probed (watchGuacd, run once for all workers). */
  guacdHealth: () => GuacdHealth
  log: Logger
  /** The browsers' WebSocket relay (`/guac/connect`); without it every upgrade is a 404. */
  relay?: Pick<Relay, 'handleUpgrade' | 'close'>
  /** GET /metrics, to `Authorization: Bearer <token>` only (ORIEL_PROXY_METRICS_TOKEN); absent, a 404. */
  metrics?: { token: string | undefined; text: MetricsText }
}

/**
 * One worker's HTTP server on the proxy's port (node:cluster shares the port between workers), which
 * hands WebSocket upgrades to the relay.
 * `GET /health` answers 200 only while guacd answered its last probe: the edge picks a zone's first healthy proxy
 * (seed 000), so a proxy whose guacd is gone must not look healthy.
 */
export function createProxyServer(o: ProxyServerOptions) {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://proxy').pathname
      if (req.method === 'GET' && path === '/health') {
        const guacd = o.guacdHealth()
        res.writeHead(guacd.ok ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        return void res.end(JSON.stringify({ ok: guacd.ok, guacd, worker: process.pid }))
      }
      if (o.metrics && serveMetrics(req, res, o.metrics.token, o.metrics.text)) return
      res.writeHead(404).end()
    })().catch((err: unknown) => {
      o.log.warn('proxy request failed', { error: String(err) })
      if (!res.headersSent) res.writeHead(500).end()
    })
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (o.relay) return o.relay.handleUpgrade(req, socket, head)
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    } catch (err) {
      o.log.warn('upgrade failed', { error: String(err) })
      socket.destroy()
    }
  })
  return {
    listen: () => new Promise<number>((resolve) => server.listen(o.port, o.host, () => resolve((server.address() as AddressInfo).port))),
    close: () =>
      new Promise<void>((resolve) => {
        // Upgraded sockets are no longer the HTTP server's: the relay ends them (and their guacd sessions).
        o.relay?.close()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
