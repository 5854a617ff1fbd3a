/** Structured log lines; never pass secrets, tokens or passwords in `fields`. */
export type Logger = {
  info: (msg: string, fields?: Record<string, unknown>) => void
  warn: (msg: string, fields?: Record<string, unknown>) => void
  error: (msg: string, fields?: Record<string, unknown>) => void
}
const line =
  (level: string) =>
  (msg: string, fields: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({ level, component: 'agent', msg, ...fields }))
export const jsonLogger: Logger = { info: line('info'), warn: line('warn'), error: line('error') }
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} }
