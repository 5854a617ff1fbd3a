import { exportJWK, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose'

/**
 * The edge's own key, imported once per distinct JWK (isolate-level cache: the key is configuration,
 * the same for every request, and holds no per-request state).
 */
const imported = new Map<string, Promise<{ privateKey: CryptoKey; publicJwk: JWK }>>()

export function edgeKey(jwk: JsonWebKey & { kid?: string }) {
  const cacheKey = jwk.x ?? ''
  let entry = imported.get(cacheKey)
  if (!entry) {
    entry = (async () => {
      const privateKey = (await importJWK(jwk as JWK, 'EdDSA')) as CryptoKey
      const { kty, crv, x } = jwk as JWK
      const publicJwk = { kty, crv, x, kid: edgeKid(jwk), alg: 'EdDSA', use: 'sig' } as JWK
      return { privateKey, publicJwk }
    })()
    imported.set(cacheKey, entry)
  }
  return entry
}

/** The key id agents see: stable for a key, so rotation shows as a new kid. */
export const edgeKid = (jwk: JsonWebKey & { kid?: string }) => jwk.kid ?? `edge-${(jwk.x ?? '').slice(0, 16)}`

/** The public keys agents and proxies verify edge signatures with. */
export async function edgeJwks(jwk: JsonWebKey & { kid?: string }) {
  return { keys: [(await edgeKey(jwk)).publicJwk] }
}

/** Signs a short-lived JWT with the edge key (stream tokens, wake hints). */
export async function signEdgeJwt(
  jwk: JsonWebKey & { kid?: string },
  claims: Record<string, unknown>,
  opts: { audience: string; ttlSeconds: number; now: Date },
) {
  const { privateKey } = await edgeKey(jwk)
  const iat = Math.floor(opts.now.getTime() / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: edgeKid(jwk) })
    .setIssuer('oriel-edge')
    .setAudience(opts.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + opts.ttlSeconds)
    .sign(privateKey)
}

/** A fresh Ed25519 private JWK, for first start on Node and for tests. */
export async function generateEdgeKey(): Promise<JsonWebKey> {
  const { generateKeyPair } = await import('jose')
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  return (await exportJWK(privateKey)) as JsonWebKey
}
