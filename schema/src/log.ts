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
      console.log(JSON.stringify({ level, ...tag, msg, ...fields }))
  return { info: line('info'), warn: line('warn'), error: line('error') }
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} }
