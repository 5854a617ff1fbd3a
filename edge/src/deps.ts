import type { Db } from '#schema'
import type { Clock } from './clock'
import type { Logger } from './log'
import type { SecretKeyRing } from './services/secrets'

/** Settings the edge reads from its environment once per request (Workers) or process (Node). */
export type EdgeConfig = {
  /** HS256 key for sign-in tokens; at least 32 bytes. */
  sessionSecret: Uint8Array
  /** How long a sign-in lasts. */
  sessionTtlSeconds: number
  /** The edge's Ed25519 private key (JWK): signs stream tokens and wake hints; agents hold its public half. */
  signingKey: JsonWebKey & { kid?: string }
  /** Keys that encrypt secrets at rest (registry passwords now; server credentials and egress later). */
  secretKeys: SecretKeyRing
}

/** What every handler needs, built per request by `provideDeps`. */
export type Deps = {
  db: Db
  clock: Clock
  config: EdgeConfig
  log: Logger
  /** Runs work after the response (Workers: waitUntil); used for fire-and-forget wake hints. */
  defer: (work: Promise<unknown>) => void
  /** How the edge reaches fleet members (wake hints, proxy health); the platform's fetch unless the host says otherwise. */
  memberFetch?: typeof fetch
}

/** Builds deps for one request; `release` runs after the response (a per-request pool on Workers). */
export type MakeDeps = (env: Env) => { deps: Omit<Deps, 'defer'>; release?: () => Promise<void> }
