import { getRequestListener } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Db } from '#schema'
import { createApp } from '../app'
import type { Clock } from '../clock'
import type { EdgeConfig } from '../deps'
import { errorFields, type Logger } from '../log'
import type { AppEnv } from '../env'
import { urlIsHttps } from '../routes/public/auth'
import { runManagerTick } from '../services/manager'
import { forwardHttp, forwardUpgrade, matchLocalRoute, type LocalRoute } from './local-routes'
import { createEdgeMetrics } from './metrics'
import { resolveClient, type TrustedProxies } from './trusted-proxies'

export const MANAGER_TICK_MS = 60_000

export type EdgeServerOptions = {
  db: Db
  config: EdgeConfig
  clock: Clock
  log: Logger
  port: number
  hostname: string
  dashboardDir?: string
  /** Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (ORIEL_TRUSTED_PROXIES); none by default. */
  trustedProxies?: TrustedProxies
  /** Serves Prometheus metrics at GET /metrics to `Authorization: Bearer <token>` (ORIEL_METRICS_TOKEN); off without it. */
  metricsToken?: string
  /** HTTPS with this certificate (chain first) and key; the port then speaks nothing else (plain HTTP is refused). */
  tls?: { cert: Buffer; key: Buffer }
  /** Local daemons served under paths of this origin, requests and WebSocket upgrades alike (npm start). */
  localRoutes?: LocalRoute[]
  /** How the edge reaches fleet members (wake hints, proxy health checks); `fetch` unless given. */
  memberFetch?: typeof fetch
  /**
   * Also serve plain HTTP on 127.0.0.1 at an ephemeral port, for daemons in this process when the public
   * port speaks TLS (their edge client would not trust a self-signed certificate); `start` answers its port.
   */
  loopback?: boolean
}

/** The edge on Node: one database handle for the process, the manager tick on a timer. */
export function createEdgeServer(opts: EdgeServerOptions) {
  // On Node, @hono/node-server passes { incoming } as the bindings: the socket says who is connected.
  const client = (c: Context<AppEnv>) =>
    resolveClient(
      {
        peer: (c.env as unknown as { incoming?: IncomingMessage }).incoming?.socket.remoteAddress,
        forwardedFor: c.req.header('X-Forwarded-For'),
        forwardedProto: c.req.header('X-Forwarded-Proto'),
        urlIsHttps: urlIsHttps(c),
      },
      opts.trustedProxies ?? [],
    )
  const app = createApp({
    makeDeps: () => ({ deps: { db: opts.db, clock: opts.clock, config: opts.config, log: opts.log, memberFetch: opts.memberFetch } }),
    clientAddress: (c) => client(c).address,
    clientHttps: (c) => client(c).https,
  })
  // The dashboard's built files, with index.html for every other path (its routes are hash routes).
  const site = opts.dashboardDir
    ? new Hono().use('/*', serveStatic({ root: opts.dashboardDir })).get('*', serveStatic({ path: join(opts.dashboardDir, 'index.html') }))
    : undefined
  const verbs = new Set(
    app.routes.flatMap((r) => {
      const m = r.path.match(/^\/api\/(public|agent|proxy)\/([^/*]+)$/)
      return m ? [m[1] === 'public' ? m[2]! : `${m[1]}/${m[2]}`] : []
    }),
  )
  const metrics = createEdgeMetrics({ verbs, token: opts.metricsToken })
  const routes = opts.localRoutes ?? []
  const fetch = async (req: Request, env: unknown) => {
    const path = new URL(req.url).pathname
    if (path === '/metrics' && req.method === 'GET') return metrics.serve(req.headers.get('Authorization') ?? undefined)
    const local = routes.length ? matchLocalRoute(routes, path) : undefined
    if (local) {
      const peer = (env as { incoming?: IncomingMessage }).incoming?.socket.remoteAddress
      return forwardHttp(req, local.route.target, local.rest, peer).catch(
        () => new Response('The local service is not answering\n', { status: 502 }),
      )
    }
    if (site && !path.startsWith('/api/')) return site.fetch(req, env)
    const started = performance.now()
    const res = await app.fetch(req, env as Env)
    metrics.observe(path, res.status, (performance.now() - started) / 1000)
    return res
  }
  let server: Server | undefined
  let inner: Server | undefined
  const upgraded = new Set<Duplex>()
  let timer: NodeJS.Timeout | undefined
  return {
    app,
    async start(): Promise<{ port: number; loopbackPort?: number }> {
      const handle = getRequestListener(fetch)
      server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handle) : createHttpServer(handle)
      server.on('upgrade', (req, socket, head) => {
        // Upgraded sockets leave the HTTP server's bookkeeping: kept here so that close() can end them.
        upgraded.add(socket)
        socket.once('close', () => upgraded.delete(socket))
        forwardUpgrade(routes, req, socket, head)
      })
      const s = server
      await new Promise<void>((resolve) => s.listen(opts.port, opts.hostname, () => resolve()))
      let loopbackPort: number | undefined
      if (opts.loopback) {
        const plain = createHttpServer(handle)
        inner = plain
        await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()))
        loopbackPort = (plain.address() as AddressInfo).port
      }
      timer = setInterval(() => {
        runManagerTick(opts.db, opts.clock).catch((err) => opts.log.error('manager tick failed', errorFields(err)))
      }, MANAGER_TICK_MS)
      timer.unref()
      return { port: (s.address() as AddressInfo).port, loopbackPort }
    },
    /**
     * Stops the tick and the listener. Idle keep-alive sockets close at once; requests still running
     * get `graceMs` to finish, then their sockets are cut so the port is free.
     */
    async close({ graceMs = 2_000 }: { graceMs?: number } = {}): Promise<void> {
      clearInterval(timer)
      if (!server) return
      const s = server
      const closed = Promise.all([
        new Promise<void>((resolve) => s.close(() => resolve())),
        inner && new Promise<void>((resolve) => (inner!.close(() => resolve()), inner!.closeAllConnections())),
      ])
      s.closeIdleConnections()
      for (const socket of upgraded) socket.destroy()
      const cut = setTimeout(() => s.closeAllConnections(), graceMs)
      await closed
      clearTimeout(cut)
    },
  }
}
