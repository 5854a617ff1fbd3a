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
 * Checks the daemon's variables against `schema`; a failure is one Error whose message names each
 * missing variable with its flag, or says what is wrong with a value.
 */
export function parseSettings<S extends v.GenericSchema>(
  schema: S,
  flags: Flags,
  env: Record<string, string | undefined>,
): v.InferOutput<S> {
  const r = v.safeParse(schema, env)
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
