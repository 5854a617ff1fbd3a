import * as v from 'valibot'
import type { EdgeConfig } from './deps'
import { base64ToBytes } from './services/auth/bytes'
import { parseKeyRing, type Sealer } from './services/secrets'

/** Sign-ins last a working day unless configured otherwise. */
export const DEFAULT_SESSION_TTL_SECONDS = 8 * 3600

const SecretSchema = v.pipe(
  v.string('SESSION_SECRET is not set'),
  v.transform(base64ToBytes),
  v.check((b) => b.length >= 32, 'SESSION_SECRET must be at least 32 bytes, base64-encoded'),
)

const SigningKeySchema = v.pipe(
  v.string('EDGE_SIGNING_KEY is not set'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return JSON.parse(dataset.value) as unknown
    } catch {
      addIssue({ message: 'EDGE_SIGNING_KEY must be a JSON Web Key' })
      return NEVER
    }
  }),
  v.looseObject({
    kty: v.literal('OKP', 'EDGE_SIGNING_KEY must be an Ed25519 JWK'),
    crv: v.literal('Ed25519', 'EDGE_SIGNING_KEY must be an Ed25519 JWK'),
    d: v.string('EDGE_SIGNING_KEY must be a private key'),
    x: v.string(),
  }),
)

/** One setting, parsed, or a thrown Error with the schema's message (which names the variable). */
function read<S extends v.GenericSchema>(schema: S, value: string | undefined): v.InferOutput<S> {
  const r = v.safeParse(schema, value)
  if (!r.success) throw new Error(r.issues[0].message)
  return r.output
}

const TtlSchema = v.pipe(
  v.optional(v.string(), String(DEFAULT_SESSION_TTL_SECONDS)),
  v.transform(Number),
  v.check((n) => Number.isInteger(n) && n >= 60, 'SESSION_TTL_SECONDS must be a whole number of seconds, at least 60'),
)

type ConfigEnv = { SESSION_SECRET?: string; SESSION_TTL_SECONDS?: string; EDGE_SIGNING_KEY?: string; SECRETS_KEY?: string }

/** Each setting's reader: a problem in one does not hide a problem in another. */
const readers = (env: ConfigEnv, platform: { seal?: Sealer }) => ({
  sessionSecret: () => read(SecretSchema, env.SESSION_SECRET || undefined),
  sessionTtlSeconds: () => read(TtlSchema, env.SESSION_TTL_SECONDS || undefined),
  signingKey: () => read(SigningKeySchema, env.EDGE_SIGNING_KEY || undefined) as JsonWebKey & { kid?: string },
  secretKeys: () => parseKeyRing(env.SECRETS_KEY || undefined, platform.seal),
})

/**
 * Reads the edge's settings from Worker bindings or the Node environment; throws with a clear message.
 * `platform.seal` is the runtime's synchronous AES-GCM, when it has a faster one than WebCrypto (Node).
 */
export function edgeConfig(env: ConfigEnv, platform: { seal?: Sealer } = {}): EdgeConfig {
  const r = readers(env, platform)
  return {
    sessionSecret: r.sessionSecret(),
    sessionTtlSeconds: r.sessionTtlSeconds(),
    signingKey: r.signingKey(),
    secretKeys: r.secretKeys(),
  }
}

const DatabaseUrlSchema = v.pipe(
  v.string('DATABASE_URL is not set'),
  v.regex(/^postgres(ql)?:\/\/\S+$/, 'DATABASE_URL must be a postgres:// or postgresql:// URL'),
)

/** The Worker's secrets, checked together: the configuration, or one message naming every secret that is missing or malformed. */
export type CheckedWorkerEnv = { ok: true; config: EdgeConfig; databaseUrl: string } | { ok: false; error: string }

export function checkWorkerEnv(env: ConfigEnv & { DATABASE_URL?: string }): CheckedWorkerEnv {
  const problems: string[] = []
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f()
    } catch (err) {
      problems.push((err as Error).message)
      return undefined
    }
  }
  const r = readers(env, {})
  const databaseUrl = attempt(() => read(DatabaseUrlSchema, env.DATABASE_URL || undefined))
  const config = {
    sessionSecret: attempt(r.sessionSecret),
    sessionTtlSeconds: attempt(r.sessionTtlSeconds),
    signingKey: attempt(r.signingKey),
    secretKeys: attempt(r.secretKeys),
  }
  if (problems.length > 0) return { ok: false, error: `Oriel is not configured: ${problems.join('; ')}` }
  return { ok: true, config: config as EdgeConfig, databaseUrl: databaseUrl! }
}
