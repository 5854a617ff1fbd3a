import { createJsonLogger } from '#schema'

export { silentLogger, type Logger } from '#schema'
export const jsonLogger = createJsonLogger()

/** The Postgres error code (SQLSTATE) anywhere in an error's cause chain, whichever driver threw it. */
export function pgCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
  }
  return undefined
}

/**
 * What a log line may say about an error: its kind, Postgres code and stack frames. Never its
 * message: drizzle puts a failed query's parameters there (password hashes, API key digests, whatever
 * a request sent), and the first lines of a stack repeat the message, so only `at …` lines are kept.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error_type: typeof err }
  const own = (err as { code?: unknown }).code
  const code = pgCode(err) ?? (typeof own === 'string' ? own.slice(0, 40) : undefined)
  return {
    name: err.name,
    ...(code !== undefined && { code }),
    frames: (err.stack ?? '')
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 8)
      .map((l) => l.trim()),
  }
}
