/** Where browsers reach a fleet member (agent or proxy), as Kasm names it: host name and port of its public (or stream) URL. */
export function memberEndpoint(url: string): { hostname: string; port: number; path: string } {
  const u = new URL(url)
  const secure = u.protocol === 'https:' || u.protocol === 'wss:'
  return { hostname: u.hostname, port: Number(u.port || (secure ? 443 : 80)), path: u.pathname.slice(1) }
}

/**
 * `path` under a member's public URL, keeping the URL's own path: a member reached through a reverse proxy
 * that routes by path (`https://oriel.example.com/local/agent`) gets `/local/agent/kasm/…`, not `/kasm/…`.
 * `ws`: the WebSocket scheme that matches the URL's (wss for https).
 */
export function memberUrl(publicUrl: string, path: string, o: { ws?: boolean } = {}): URL {
  const u = new URL(publicUrl)
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`
  u.search = ''
  u.hash = ''
  if (o.ws) u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
  return u
}
