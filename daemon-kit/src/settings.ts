import { parseArgs } from 'node:util'
import * as v from 'valibot'

/** A daemon's command-line flags, each the same as one environment variable (`--edge-url` = ORIEL_EDGE_URL). */
export type Flags = Readonly<Record<string, string>>

/** Flags as variables; flags win over the environment. Unknown flags are an error, not ignored. */
export function flagsToEnv(flags: Flags, args: Record<string, string | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [flag, value] of Object.entries(args)) {
    const name = flags[flag]
    if (!name)
      throw new Error(
        `unknown flag --${flag} (known: ${Object.keys(flags)
          .map((f) => `--${f}`)
          .join(', ')})`,
      )
    if (typeof value === 'string') out[name] = value
  }
  return out
}

/** The process's flags (`--name value`), read strictly: a flag the daemon does not know stops it. */
export function readFlags(flags: Flags, argv = process.argv.slice(2)): Record<string, string> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(flags).map((f) => [f, { type: 'string' }])),
    strict: true,
  })
  return flagsToEnv(flags, values)
}

/**
 * Checks the daemon's variables against `schema` (empty ones count as unset); a failure is one Error
 * whose message names each missing variable with its flag, or says what is wrong with a value.
 */
export function parseSettings<S extends v.GenericSchema>(
  schema: S,
  flags: Flags,
  env: Record<string, string | undefined>,
): v.InferOutput<S> {
  // An empty variable is an unset one (compose files and unit files pass `X=` for "not given").
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const r = v.safeParse(schema, given)
  if (r.success) return r.output
  const flagOf = Object.fromEntries(Object.entries(flags).map(([f, name]) => [name, f]))
  throw new Error(
    r.issues
      .map((i) => {
        const key = String(i.path?.[0]?.key ?? '')
        return i.input === undefined ? `${key} (or --${flagOf[key]}) is required` : i.message
      })
      .join('; '),
  )
}

/** A TCP port from a variable's text. */
export const portSetting = (name: string, fallback: string) =>
  v.pipe(v.optional(v.string(), fallback), v.transform(Number), v.integer(`${name} must be a port`), v.minValue(0), v.maxValue(65_535))

/** What every daemon is told: the edge, its zone token (first start only), data folder, name, public URL, address. */
export type DaemonBase = {
  edgeUrl: string
  token: string | undefined
  dataDir: string
  name: string
  publicUrl: string
  listenHost: string
  listenPort: number
  /** GET /metrics answers only a request bearing this token; unset, there are no metrics. */
  metricsToken?: string
}

/**
 * The settings every daemon has, under its own prefix (ORIEL_AGENT_TOKEN, ORIEL_PROXY_TOKEN…): their
 * valibot entries to spread in the daemon's schema, their flags, and `read` for the parsed values.
 */
export function daemonSettings(prefix: 'AGENT' | 'PROXY', defaults: { dataDir: string; port: string }) {
  const name = (s: string) => `ORIEL_${prefix}_${s}`
  const entries = {
    ORIEL_EDGE_URL: v.pipe(v.string(), v.url('ORIEL_EDGE_URL must be a URL')),
    /** Only needed for the first start; the daemon keeps its identity afterwards. */
    [name('TOKEN')]: v.optional(v.string()),
    [name('DATA_DIR')]: v.optional(v.string(), defaults.dataDir),
    [name('NAME')]: v.optional(v.string()),
    /** Where browsers reach the daemon. */
    [name('PUBLIC_URL')]: v.pipe(v.string(), v.url(`${name('PUBLIC_URL')} must be a URL`)),
    [name('LISTEN_HOST')]: v.optional(v.string(), '127.0.0.1'),
    [name('LISTEN_PORT')]: portSetting(name('LISTEN_PORT'), defaults.port),
    [name('METRICS_TOKEN')]: v.optional(v.pipe(v.string(), v.minLength(16, `${name('METRICS_TOKEN')} must be at least 16 characters`))),
  }
  const flags = {
    'edge-url': 'ORIEL_EDGE_URL',
    token: name('TOKEN'),
    'data-dir': name('DATA_DIR'),
    name: name('NAME'),
    'public-url': name('PUBLIC_URL'),
    'listen-host': name('LISTEN_HOST'),
    'listen-port': name('LISTEN_PORT'),
    'metrics-token': name('METRICS_TOKEN'),
  } as const
  const read = (c: Record<string, unknown>, hostname: string): DaemonBase => ({
    edgeUrl: c.ORIEL_EDGE_URL as string,
    token: c[name('TOKEN')] as string | undefined,
    dataDir: c[name('DATA_DIR')] as string,
    name: (c[name('NAME')] as string | undefined) ?? hostname,
    publicUrl: c[name('PUBLIC_URL')] as string,
    listenHost: c[name('LISTEN_HOST')] as string,
    listenPort: c[name('LISTEN_PORT')] as number,
    ...(c[name('METRICS_TOKEN')] ? { metricsToken: c[name('METRICS_TOKEN')] as string } : {}),
  })
  return { entries, flags, read }
}
