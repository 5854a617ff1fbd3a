import type { DlpFlags } from '../protocol/agent'
import type { ProxyProtocol } from '../protocol/proxy'

/**
 * A running container session's stream, as get_kasm_status and join_kasm give it: the agent's
 * WebSocket URL, a short-lived stream token, the files URL, when the token expires, and the DLP
 * flags the token carries (the agent's gateway enforces them).
 */
export type ContainerStreamView = {
  kind: 'container'
  url: string
  token: string
  files_url: string
  expires: string
  dlp?: DlpFlags
}

/**
 * A fixed server's session: the WebSocket of the connection proxy the edge chose (the first of the
 * zone's proxies, in random order, whose health check answered), a one-time connect token, and how
 * the browser speaks to it (`ssh`, `vnc`, `rdp`: the Guacamole protocol; `kasmvnc`: RFB).
 */
export type ServerStreamView = {
  kind: 'server'
  protocol: ProxyProtocol
  url: string
  token: string
  expires: string
  dlp: DlpFlags
}

export type StreamView = ContainerStreamView | ServerStreamView
