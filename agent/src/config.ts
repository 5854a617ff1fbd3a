import * as v from 'valibot'

const Labels = v.pipe(
  v.optional(v.string(), ''),
  v.transform((s) => s.split(',').map((l) => l.trim()).filter(Boolean)),
)

/** The agent's settings, read once from the environment and checked (STYLE §3). */
const ConfigSchema = v.object({
  ORIEL_EDGE_URL: v.pipe(v.string('ORIEL_EDGE_URL is required'), v.url('ORIEL_EDGE_URL must be a URL')),
  /** Only needed for the first start; the agent keeps its identity afterwards. */
  ORIEL_AGENT_TOKEN: v.optional(v.string()),
  ORIEL_AGENT_DATA_DIR: v.optional(v.string(), './data/agent'),
  ORIEL_AGENT_NAME: v.optional(v.string()),
  /** Where browsers reach this agent's session gateway. */
  ORIEL_AGENT_PUBLIC_URL: v.pipe(v.string('ORIEL_AGENT_PUBLIC_URL is required'), v.url('ORIEL_AGENT_PUBLIC_URL must be a URL')),
  ORIEL_AGENT_LISTEN_HOST: v.optional(v.string(), '127.0.0.1'),
  ORIEL_AGENT_LISTEN_PORT: v.pipe(v.optional(v.string(), '8788'), v.transform(Number), v.integer('ORIEL_AGENT_LISTEN_PORT must be a port'), v.minValue(0), v.maxValue(65_535)),
  ORIEL_DOCKER_SOCKET: v.optional(v.string(), '/var/run/docker.sock'),
  ORIEL_AGENT_LABELS: Labels,
  /** The bridge session containers run on (one per host; sessions cannot reach each other). */
  ORIEL_SESSION_NETWORK: v.optional(v.string(), 'oriel-sessions'),
})

export type Config = {
  edgeUrl: string
  token: string | undefined
  dataDir: string
  name: string
  publicUrl: string
  listenHost: string
  listenPort: number
  dockerSocket: string
  labels: string[]
  sessionNetwork: string
}

export function loadConfig(env: Record<string, string | undefined>, hostname: string): Config {
  const r = v.safeParse(ConfigSchema, env)
  if (!r.success) throw new Error(r.issues.map((i) => i.message).join('; '))
  const c = r.output
  return {
    edgeUrl: c.ORIEL_EDGE_URL,
    token: c.ORIEL_AGENT_TOKEN,
    dataDir: c.ORIEL_AGENT_DATA_DIR,
    name: c.ORIEL_AGENT_NAME ?? hostname,
    publicUrl: c.ORIEL_AGENT_PUBLIC_URL,
    listenHost: c.ORIEL_AGENT_LISTEN_HOST,
    listenPort: c.ORIEL_AGENT_LISTEN_PORT,
    dockerSocket: c.ORIEL_DOCKER_SOCKET,
    labels: c.ORIEL_AGENT_LABELS,
    sessionNetwork: c.ORIEL_SESSION_NETWORK,
  }
}
