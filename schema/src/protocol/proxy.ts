import * as v from 'valibot'
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
})
export type ProxyHeartbeat = v.InferOutput<typeof ProxyHeartbeatSchema>
export type ProxyHeartbeatAnswer = { heartbeat_after_ms: number }
