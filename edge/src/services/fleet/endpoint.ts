/** Where browsers reach a fleet member (agent or proxy), as Kasm names it: host name and port of its public (or stream) URL. */
export function memberEndpoint(url: string): { hostname: string; port: number; path: string } {
  const u = new URL(url)
  const secure = u.protocol === 'https:' || u.protocol === 'wss:'
  return { hostname: u.hostname, port: Number(u.port || (secure ? 443 : 80)), path: u.pathname.slice(1) }
}
