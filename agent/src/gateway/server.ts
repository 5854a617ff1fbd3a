import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { DockerPort } from '../docker/docker-port'
import { DASHED_UUID } from '#schema'
import { serveMetrics, type Logger, type TokenVerifier } from '#daemon-kit'
import type { AgentMetrics } from '../metrics'
import { VNC_PORT, type SessionManager } from '../sessions/session-manager'
import { handleFiles } from './files'
import { relayRfb } from './rfb/relay'

export type GatewayOptions = {
  host: string
  port: number
  /** Edge-signed tokens, checked offline for this agent (daemon-kit). */
  verify: TokenVerifier
  sessions: SessionManager
  vncPassword: (kasmId: string) => string
  onWake: () => void
  docker: DockerPort
  /** PEM files for HTTPS/WSS; without them the gateway expects a TLS-terminating proxy in front. */
  tls?: { certFile: string; keyFile: string }
  log: Logger
  metrics?: AgentMetrics
  /** GET /metrics needs `Authorization: Bearer <token>`; without a token there is no /metrics. */
  metricsToken?: string
}

const VNC_PATH = new RegExp(`^/kasm/(${DASHED_UUID})/vnc$`)
const FILES_PATH = new RegExp(`^/kasm/(${DASHED_UUID})/files/([^/]+)$`)

/**
 * The connection to the session's VNC server, reading up to 256 KiB at a time instead of libuv's
 * 64 KiB: a full-screen update is megabytes, and each read becomes one WebSocket frame (one write),
 * so fewer, larger reads cut the relay's syscalls by about four. The bytes are copied out of the
 * shared read buffer because they are forwarded asynchronously.
 */
function connectUpstream(host: string): net.Socket {
  const onread: net.OnReadOpts = {
    buffer: new Uint8Array(256 * 1024),
    // Returning false stops reading: that is how socket.pause() (the relay's backpressure) takes
    // effect when reads go through `onread`.
    callback: (n, buf) => {
      socket.emit('data', Buffer.from(buf.subarray(0, n)))
      return !socket.isPaused()
    },
  }
  const socket: net.Socket = net.connect({ host, port: VNC_PORT, onread })
  return socket
}

/** A stream token's claims if it is valid and names this session. */
async function streamClaims(verify: TokenVerifier, token: string, kasmId: string) {
  const claims = await verify(token, 'stream')
  return claims?.kasm_id === kasmId ? claims : null
}

/**
 * The session gateway at the agent's public URL: `/wake` (edge-signed hint to poll now) and the
 * browser's WebSocket at `/kasm/<id>/vnc?token=<stream token>`, relayed to the container's VNC
 * server with DLP applied in the relay. Nothing is served without a valid edge signature.
 */
export function createGateway(opts: GatewayOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://agent')
      if (req.method === 'POST' && url.pathname === '/wake') {
        const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? ''
        const ok = (await opts.verify(token, 'wake')) !== null
        res.writeHead(ok ? 204 : 401).end()
        if (ok) opts.onWake()
        return
      }
      if (req.method === 'GET' && url.pathname === '/healthz') return void res.writeHead(200).end('ok')
      if (opts.metrics && serveMetrics(req, res, opts.metricsToken, opts.metrics.text)) return
      const files = url.pathname.match(FILES_PATH)
      if (files) {
        // The dashboard is served from the edge's origin, not this one. The stream token (a header
        // or query parameter, never a cookie) is the credential, so any origin may send the request.
        res.setHeader('Access-Control-Allow-Origin', '*')
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            'Access-Control-Allow-Methods': 'GET, PUT',
            'Access-Control-Allow-Headers': 'Authorization, Content-Type',
            'Access-Control-Max-Age': '600',
          })
          return void res.end()
        }
        const [, kasmId, name] = files as unknown as [string, string, string]
        // Browsers cannot add headers to a download link, so the token may come in the query too.
        const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? url.searchParams.get('token') ?? ''
        const claims = await streamClaims(opts.verify, token, kasmId)
        if (!claims) return void res.writeHead(401).end()
        const session = opts.sessions.lookup(kasmId)
        if (!session) return void res.writeHead(404).end()
        return handleFiles(req, res, { docker: opts.docker, containerId: session.containerId, name: decodeURIComponent(name), claims })
      }
      res.writeHead(404).end()
    })().catch((err) => {
      opts.log.warn('gateway request failed', { error: String(err) })
      if (!res.headersSent) res.writeHead(500).end()
    })
  }
  const server: Server = opts.tls
    ? createHttpsServer({ cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) }, handler)
    : createServer(handler)

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://agent')
      const kasmId = url.pathname.match(VNC_PATH)?.[1]
      const claims = kasmId ? await streamClaims(opts.verify, url.searchParams.get('token') ?? '', kasmId) : null
      const session = kasmId ? opts.sessions.lookup(kasmId) : undefined
      if (!kasmId || !claims || !session) {
        socket.end(`HTTP/1.1 ${claims ? 404 : 401} ${claims ? 'Not Found' : 'Unauthorized'}\r\nConnection: close\r\n\r\n`)
        return
      }
      wss.handleUpgrade(req, socket, head, (browser) => {
        const upstream = connectUpstream(session.address)
        upstream.setNoDelay(true)
        opts.metrics?.streamOpened()
        relayRfb({
          browser,
          upstream,
          vncPassword: opts.vncPassword(kasmId),
          dlp: { clipboardUp: claims.dlp.clipboard_up, clipboardDown: claims.dlp.clipboard_down },
          viewOnly: claims.view_only,
          onBytes: opts.metrics?.relayed,
          log: (msg: string, fields?: Record<string, unknown>) => opts.log.info(msg, { kasm_id: kasmId, ...fields }),
        })
          .catch((err: unknown) => opts.log.warn('relay ended with an error', { kasm_id: kasmId, error: String(err) }))
          .finally(() => opts.metrics?.streamClosed())
      })
    })().catch(() => socket.destroy())
  })

  return {
    listen: () =>
      new Promise<number>((resolve) => server.listen(opts.port, opts.host, () => resolve((server.address() as net.AddressInfo).port))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
