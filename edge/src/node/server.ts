import { serve, type ServerType } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import { join } from 'node:path'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Db } from '#schema'
import { createApp } from '../app'
import type { Clock } from '../clock'
import type { EdgeConfig } from '../deps'
import { errorFields, type Logger } from '../log'
import type { AppEnv } from '../env'
import { urlIsHttps } from '../routes/public/auth'
import { runManagerTick } from '../services/manager'
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
    makeDeps: () => ({ deps: { db: opts.db, clock: opts.clock, config: opts.config, log: opts.log } }),
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
  const fetch = async (req: Request, env: unknown) => {
    const path = new URL(req.url).pathname
    if (path === '/metrics' && req.method === 'GET') return metrics.serve(req.headers.get('Authorization') ?? undefined)
    if (site && !path.startsWith('/api/')) return site.fetch(req, env)
    const started = performance.now()
    const res = await app.fetch(req, env as Env)
    metrics.observe(path, res.status, (performance.now() - started) / 1000)
    return res
  }
  let server: ServerType | undefined
  let timer: NodeJS.Timeout | undefined
  return {
    app,
    async start(): Promise<{ port: number }> {
      server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch, port: opts.port, hostname: opts.hostname }, () => resolve(s))
      })
      timer = setInterval(() => {
        runManagerTick(opts.db, opts.clock).catch((err) => opts.log.error('manager tick failed', errorFields(err)))
      }, MANAGER_TICK_MS)
      timer.unref()
      return { port: (server.address() as AddressInfo).port }
    },
    /**
     * Stops the tick and the listener. Idle keep-alive sockets close at once; requests still running
     * get `graceMs` to finish, then their sockets are cut so the port is free.
     */
    async close({ graceMs = 2_000 }: { graceMs?: number } = {}): Promise<void> {
      clearInterval(timer)
      if (!server) return
      const s = server as ServerType & { closeIdleConnections?: () => void; closeAllConnections?: () => void }
      const closed = new Promise<void>((resolve) => s.close(() => resolve()))
      s.closeIdleConnections?.()
      const cut = setTimeout(() => s.closeAllConnections?.(), graceMs)
      await closed
      clearTimeout(cut)
    },
  }
}
