import type { Db } from '#schema'
import type { Clock } from './clock'
import type { Logger } from './log'

/** Settings the edge reads from its environment once per request (Workers) or process (Node). */
export type EdgeConfig = {
  /** HS256 key for sign-in tokens; at least 32 bytes. */
  sessionSecret: Uint8Array
  /** How long a sign-in lasts. */
  sessionTtlSeconds: number
}

/** What every handler needs, built per request by `provideDeps`. */
export type Deps = {
  db: Db
  clock: Clock
  config: EdgeConfig
  log: Logger
}

/** Builds deps for one request; `release` runs after the response (a per-request pool on Workers). */
export type MakeDeps = (env: Env, ctx?: ExecutionContext) => { deps: Deps; release?: () => Promise<void> }
