import { availableParallelism } from 'node:os'
import * as v from 'valibot'
import { parseSettings, portSetting } from '#daemon-kit'

/** Command-line flags, each the same as one variable (`--cluster-size` = ORIEL_PROXY_CLUSTER_SIZE); flags win. */
export const FLAGS = {
  'edge-url': 'ORIEL_EDGE_URL',
  token: 'ORIEL_PROXY_TOKEN',
  'data-dir': 'ORIEL_PROXY_DATA_DIR',
  name: 'ORIEL_PROXY_NAME',
  'public-url': 'ORIEL_PROXY_PUBLIC_URL',
  'listen-host': 'ORIEL_PROXY_LISTEN_HOST',
  'listen-port': 'ORIEL_PROXY_LISTEN_PORT',
  'guacd-host': 'GUACD_HOST',
  'guacd-port': 'GUACD_PORT',
  'cluster-size': 'ORIEL_PROXY_CLUSTER_SIZE',
} as const

/** The proxy's settings, read once from the environment and flags, and checked. */
const ConfigSchema = v.object({
  ORIEL_EDGE_URL: v.pipe(v.string(), v.url('ORIEL_EDGE_URL must be a URL')),
  /** Only needed for the first start; the proxy keeps its identity afterwards. */
  ORIEL_PROXY_TOKEN: v.optional(v.string()),
  ORIEL_PROXY_DATA_DIR: v.optional(v.string(), './data/conn-proxy'),
  ORIEL_PROXY_NAME: v.optional(v.string()),
  /** Where browsers reach this proxy, and where the edge checks its health. */
  ORIEL_PROXY_PUBLIC_URL: v.pipe(v.string(), v.url('ORIEL_PROXY_PUBLIC_URL must be a URL')),
  ORIEL_PROXY_LISTEN_HOST: v.optional(v.string(), '127.0.0.1'),
  ORIEL_PROXY_LISTEN_PORT: portSetting('ORIEL_PROXY_LISTEN_PORT', '8789'),
  GUACD_HOST: v.optional(v.string(), '127.0.0.1'),
  GUACD_PORT: portSetting('GUACD_PORT', '4822'),
  /** Worker processes on the one port (seed 000: as many as the machine has cores, by default). */
  ORIEL_PROXY_CLUSTER_SIZE: v.pipe(
    v.optional(v.string(), () => String(availableParallelism())),
    v.transform(Number),
    v.integer('ORIEL_PROXY_CLUSTER_SIZE must be a whole number from 1 to 64'),
    v.minValue(1, 'ORIEL_PROXY_CLUSTER_SIZE must be a whole number from 1 to 64'),
    v.maxValue(64, 'ORIEL_PROXY_CLUSTER_SIZE must be a whole number from 1 to 64'),
  ),
})

export type Config = {
  edgeUrl: string
  token: string | undefined
  dataDir: string
  name: string
  publicUrl: string
  listenHost: string
  listenPort: number
  guacd: { host: string; port: number }
  clusterSize: number
}

export function loadConfig(env: Record<string, string | undefined>, hostname: string): Config {
  const c = parseSettings(ConfigSchema, FLAGS, env)
  return {
    edgeUrl: c.ORIEL_EDGE_URL,
    token: c.ORIEL_PROXY_TOKEN,
    dataDir: c.ORIEL_PROXY_DATA_DIR,
    name: c.ORIEL_PROXY_NAME ?? hostname,
    publicUrl: c.ORIEL_PROXY_PUBLIC_URL,
    listenHost: c.ORIEL_PROXY_LISTEN_HOST,
    listenPort: c.ORIEL_PROXY_LISTEN_PORT,
    guacd: { host: c.GUACD_HOST, port: c.GUACD_PORT },
    clusterSize: c.ORIEL_PROXY_CLUSTER_SIZE,
  }
}
