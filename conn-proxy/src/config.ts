import { availableParallelism } from 'node:os'
import * as v from 'valibot'
import { daemonSettings, parseSettings, portSetting, type DaemonBase } from '#daemon-kit'

const BASE = daemonSettings('PROXY', { dataDir: './data/conn-proxy', port: '8789' })

/** Command-line flags, each the same as one variable (`--cluster-size` = ORIEL_PROXY_CLUSTER_SIZE); flags win. */
export const FLAGS = {
  ...BASE.flags,
  'guacd-host': 'GUACD_HOST',
  'guacd-port': 'GUACD_PORT',
  'cluster-size': 'ORIEL_PROXY_CLUSTER_SIZE',
} as const

/** The proxy's settings, read once from the environment and flags, and checked. */
const ConfigSchema = v.object({
  ...BASE.entries,
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

export type Config = DaemonBase & {
  guacd: { host: string; port: number }
  clusterSize: number
}

export function loadConfig(env: Record<string, string | undefined>, hostname: string): Config {
  const c = parseSettings(ConfigSchema, FLAGS, env)
  return {
    ...BASE.read(c, hostname),
    guacd: { host: c.GUACD_HOST, port: c.GUACD_PORT },
    clusterSize: c.ORIEL_PROXY_CLUSTER_SIZE,
  }
}
