import * as v from 'valibot'
import { daemonSettings, flagsToEnv as kitFlagsToEnv, parseSettings, type DaemonBase } from '#daemon-kit'

const BASE = daemonSettings('AGENT', { dataDir: './data/agent', port: '8788' })

const Labels = v.pipe(
  v.optional(v.string(), ''),
  v.transform((s) =>
    s
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  ),
)

/** The agent's settings, read once from the environment and checked. */
const ConfigSchema = v.object({
  ...BASE.entries,
  ORIEL_DOCKER_SOCKET: v.optional(v.string(), '/var/run/docker.sock'),
  ORIEL_AGENT_LABELS: Labels,
  /** The bridge session containers run on (one per host; sessions cannot reach each other). */
  ORIEL_SESSION_NETWORK: v.optional(v.string(), 'oriel-sessions'),
  /** PEM files: with both, the gateway speaks HTTPS/WSS itself instead of relying on a TLS proxy. */
  ORIEL_AGENT_TLS_CERT: v.optional(v.string()),
  ORIEL_AGENT_TLS_KEY: v.optional(v.string()),
  ORIEL_CRASH_POINT: v.optional(v.string()),
})

/** Points of a launch where the fault-injection hook can kill the process (see sessions/crash-point.ts). */
export const CRASH_POINTS = ['before-create', 'after-create', 'after-start'] as const
export type CrashPointName = (typeof CRASH_POINTS)[number]
/** The nth time any launch reaches `point`, the process is killed. */
export type CrashAt = { point: CrashPointName; nth: number }

/**
 * ORIEL_CRASH_POINT=<point>:<n>, a fault-injection hook for tests (kill -9 at an exact step of a
 * launch); unset or empty, nothing is armed.
 */
export function parseCrashPoint(value: string | undefined): CrashAt | undefined {
  if (!value) return undefined
  const m = /^([a-z-]+):([1-9]\d*)$/.exec(value)
  const point = CRASH_POINTS.find((p) => p === m?.[1])
  if (!m || !point) throw new Error(`ORIEL_CRASH_POINT must be <point>:<n> with point one of ${CRASH_POINTS.join(', ')} (got ${value})`)
  return { point, nth: Number(m[2]) }
}

export type Config = DaemonBase & {
  dockerSocket: string
  labels: string[]
  sessionNetwork: string
  tls?: { certFile: string; keyFile: string }
  /** Armed only by tests (ORIEL_CRASH_POINT); the agent's `kill` option carries it out. */
  crashPoint?: CrashAt
}

/** Command-line flags, each the same as one variable (`--edge-url` = ORIEL_EDGE_URL); flags win. */
export const FLAGS = {
  ...BASE.flags,
  'docker-socket': 'ORIEL_DOCKER_SOCKET',
  labels: 'ORIEL_AGENT_LABELS',
  'session-network': 'ORIEL_SESSION_NETWORK',
  'tls-cert': 'ORIEL_AGENT_TLS_CERT',
  'tls-key': 'ORIEL_AGENT_TLS_KEY',
} as const

/** Flags as variables, for `loadConfig`; unknown flags are an error, not ignored. */
export const flagsToEnv = (args: Record<string, string | boolean | undefined>) => kitFlagsToEnv(FLAGS, args)

export function loadConfig(env: Record<string, string | undefined>, hostname: string): Config {
  const c = parseSettings(ConfigSchema, FLAGS, env)
  return {
    ...BASE.read(c, hostname),
    dockerSocket: c.ORIEL_DOCKER_SOCKET,
    labels: c.ORIEL_AGENT_LABELS,
    sessionNetwork: c.ORIEL_SESSION_NETWORK,
    ...(c.ORIEL_CRASH_POINT ? { crashPoint: parseCrashPoint(c.ORIEL_CRASH_POINT) } : {}),
    ...(c.ORIEL_AGENT_TLS_CERT || c.ORIEL_AGENT_TLS_KEY ? { tls: tlsFiles(c.ORIEL_AGENT_TLS_CERT, c.ORIEL_AGENT_TLS_KEY) } : {}),
  }
}

function tlsFiles(certFile: string | undefined, keyFile: string | undefined) {
  if (!certFile || !keyFile) throw new Error('ORIEL_AGENT_TLS_CERT and ORIEL_AGENT_TLS_KEY (--tls-cert, --tls-key) go together')
  return { certFile, keyFile }
}
