import type { IncomingMessage } from 'node:http'
import net from 'node:net'
import type { Duplex } from 'node:stream'

/** A daemon on this machine served under a path of the edge's origin: `/local/agent/…` → `http://127.0.0.1:8788/…`. */
export type LocalRoute = { prefix: string; target: string }

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host'])

/** The route and the daemon's own path for a request path, if it is under one. */
export function matchLocalRoute(routes: readonly LocalRoute[], path: string): { route: LocalRoute; rest: string } | undefined {
  for (const route of routes)
    if (path === route.prefix || path.startsWith(`${route.prefix}/`)) return { route, rest: path.slice(route.prefix.length) || '/' }
  return undefined
}

/**
 * npm start's single origin (seed 002 §2: one port for the web UI and the streams): the dashboard, the API and
 * the local daemons' routes answer on one address, so a TLS certificate or a reverse proxy in front (§7.3) covers
 * every byte. HTTP requests are forwarded as they are (bodies streamed both ways); WebSocket upgrades below.
 */
export async function forwardHttp(req: Request, target: string, rest: string, client: string | undefined): Promise<Response> {
  const url = new URL(req.url)
  const headers = new Headers()
  req.headers.forEach((value, name) => void (HOP_BY_HOP.has(name) || headers.set(name, value)))
  if (client) headers.set('X-Forwarded-For', client)
  const res = await fetch(`${target}${rest}${url.search}`, {
    method: req.method,
    headers,
    body: req.body,
    redirect: 'manual',
    // Required by undici for a streamed request body.
    ...({ duplex: 'half' } as object),
  })
  // fetch has decoded any content-encoding; the length and encoding it described no longer hold.
  const out = new Headers(res.headers)
  out.delete('content-encoding')
  out.delete('content-length')
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: out })
}

/**
 * A WebSocket upgrade under a local route: the request goes on to the daemon as raw HTTP, its own path in place
 * of the edge's, and from its answer on the two sockets are joined. Anything else is refused on the socket.
 */
export function forwardUpgrade(routes: readonly LocalRoute[], req: IncomingMessage, socket: Duplex, head: Buffer) {
  socket.on('error', () => socket.destroy())
  const url = new URL(req.url ?? '/', 'http://edge')
  const match = matchLocalRoute(routes, url.pathname)
  if (!match) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  const target = new URL(match.route.target)
  const upstream = net.connect(Number(target.port), target.hostname)
  upstream.on('error', () => {
    if (!socket.destroyed) socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })
  upstream.once('connect', () => {
    const lines = [`${req.method} ${match.rest}${url.search} HTTP/1.1`, `Host: ${target.host}`]
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!
      if (name.toLowerCase() !== 'host' && name.toLowerCase() !== 'x-forwarded-for') lines.push(`${name}: ${req.rawHeaders[i + 1]}`)
    }
    if (req.socket.remoteAddress) lines.push(`X-Forwarded-For: ${req.socket.remoteAddress}`)
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
    if (head.length) upstream.write(head)
    upstream.setNoDelay(true)
    if ('setNoDelay' in socket) (socket as net.Socket).setNoDelay(true)
    socket.pipe(upstream).pipe(socket)
    const end = () => (socket.destroy(), upstream.destroy())
    socket.on('close', end)
    upstream.on('close', end)
  })
}
