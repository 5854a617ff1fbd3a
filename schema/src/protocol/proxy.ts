import * as v from 'valibot'
import type { DlpFlags } from './agent'
import { FLEET_ENROLL_ENTRIES } from './fleet'

/** Wire schemas of the connection proxy's side of the protocol (docs/protocol.md), shared by the edge and the proxy. */
export const ProxyEnrollSchema = v.strictObject({
  ...FLEET_ENROLL_ENTRIES,
  /** Worker processes behind its port (`--cluster-size`, seed 000: the number of cores by default). */
  cluster_size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1024)),
})
export type ProxyEnrollInput = v.InferOutput<typeof ProxyEnrollSchema>

/** A proxy's signed heartbeat: its load, for the admin's list and for choosing among a zone's proxies. */
export const ProxyHeartbeatSchema = v.strictObject({
  connections: v.pipe(v.number(), v.integer(), v.minValue(0)),
  cpu_percent: v.pipe(v.number(), v.minValue(0)),
  cluster_size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1024)),
  /** Sessions it holds connections for; the answer names those that must end (`close_kasms`). */
  kasms: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(100_000)), []),
})
export type ProxyHeartbeat = v.InferOutput<typeof ProxyHeartbeatSchema>
export type ProxyHeartbeatAnswer = { heartbeat_after_ms: number }

/** The heartbeat's answer also names the sessions whose connections must end now (destroyed, expired). */
export type ProxyHeartbeatReply = ProxyHeartbeatAnswer & { close_kasms: string[] }

/** A proxy redeems a browser's connect token (edge-tokens `connect`) with a signed request. */
export const ProxyConnectSchema = v.strictObject({ token: v.pipe(v.string(), v.maxLength(4096)) })
export type ProxyConnectInput = v.InferOutput<typeof ProxyConnectSchema>

/** guacd's protocols; `kasmvnc` is relayed WebSocket to WebSocket, without guacd. */
export const PROXY_PROTOCOLS = ['ssh', 'vnc', 'rdp', 'kasmvnc'] as const
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number]

/** Parameters a PROMPT_USER server asks the browser for (guacd's `required` names). */
export type PromptParam = 'username' | 'password' | 'domain'

/**
 * What the edge answers a redeemed connect token: everything the proxy needs to open the session and
 * nothing the browser may see. Credentials stay in the proxy; the browser only ever holds the token.
 */
export type ProxyConnectAnswer = {
  kasm_id: string
  user_id: string
  protocol: ProxyProtocol
  /**
   * guacd's connection parameters by name, as strings (`"true"` for on): host, port, credentials,
   * the DLP switches (disable-copy, disable-paste, SFTP/drive, printing, read-only) and the admin's
   * allowed connection info. The proxy fills guacd's `connect` from these by name.
   */
  settings: Record<string, string>
  /** The relay filter's flags (DESIGN §6), the same as the token's. */
  dlp: DlpFlags
  view_only: boolean
  /** PROMPT_USER: what the browser must answer (guacd's `required`) before the proxy connects. */
  prompt: PromptParam[]
  /** KasmVNC servers: the server's WebSocket and its static credentials (HTTP basic). */
  kasmvnc?: { url: string; username: string; password: string }
}
