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

/**
 * Reads the edge's settings from Worker bindings or the Node environment; throws with a clear message.
 * `platform.seal` is the runtime's synchronous AES-GCM, when it has a faster one than WebCrypto (Node).
 */
export function edgeConfig(
  env: { SESSION_SECRET?: string; SESSION_TTL_SECONDS?: string; EDGE_SIGNING_KEY?: string; SECRETS_KEY?: string },
  platform: { seal?: Sealer } = {},
): EdgeConfig {
  const secret = v.safeParse(SecretSchema, env.SESSION_SECRET)
  if (!secret.success) throw new Error(secret.issues[0].message)
  const ttl = Number(env.SESSION_TTL_SECONDS ?? DEFAULT_SESSION_TTL_SECONDS)
  if (!Number.isInteger(ttl) || ttl < 60) throw new Error('SESSION_TTL_SECONDS must be a whole number of seconds, at least 60')
  const key = v.safeParse(SigningKeySchema, env.EDGE_SIGNING_KEY)
  if (!key.success) throw new Error(key.issues[0].message)
  return {
    sessionSecret: secret.output,
    sessionTtlSeconds: ttl,
    signingKey: key.output as JsonWebKey & { kid?: string },
    secretKeys: parseKeyRing(env.SECRETS_KEY, platform.seal),
  }
}
