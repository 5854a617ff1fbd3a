/**
 * Structured log lines, one JSON object each, for the edge (Workers and Node) and the daemons. Never
 * pass secrets, tokens or passwords in `fields`.
 */
export type Logger = {
  info: (msg: string, fields?: Record<string, unknown>) => void
  warn: (msg: string, fields?: Record<string, unknown>) => void
  error: (msg: string, fields?: Record<string, unknown>) => void
}

/** A logger whose lines name the part that wrote them (`component`), or none for the edge's own. */
export function createJsonLogger(component?: string): Logger {
  const tag = component === undefined ? {} : { component }
  const line =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      console.log(JSON.stringify({ time: new Date().toISOString(), level, ...tag, msg, ...fields }))
  return { info: line('info'), warn: line('warn'), error: line('error') }
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} }

/** The same logger with `fields` on every line (the edge: each request's `request_id`). */
export const withFields = (log: Logger, fields: Record<string, unknown>): Logger => ({
  info: (msg, more) => log.info(msg, { ...fields, ...more }),
  warn: (msg, more) => log.warn(msg, { ...fields, ...more }),
  error: (msg, more) => log.error(msg, { ...fields, ...more }),
})
