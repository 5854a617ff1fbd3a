import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose'
import { signEdgeToken, type EdgeTokens, type EdgeTokenType } from '#schema'
import type { Deps } from '../../deps'

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

/** The key id daemons see: stable for a key, so rotation shows as a new kid. */
export const edgeKid = (jwk: JsonWebKey & { kid?: string }) => jwk.kid ?? `edge-${(jwk.x ?? '').slice(0, 16)}`

/** The public keys daemons verify edge signatures with. */
export async function edgeJwks(jwk: JsonWebKey & { kid?: string }) {
  return { keys: [(await edgeKey(jwk)).publicJwk] }
}

/** Signs a token of the shared codec (`#schema` edge-tokens) for one fleet member, with the configured edge key. */
export async function signForMember<T extends EdgeTokenType>(deps: Deps, memberId: string, typ: T, claims: EdgeTokens[T]) {
  const jwk = deps.config.signingKey
  const { privateKey } = await edgeKey(jwk)
  return signEdgeToken({ privateKey, kid: edgeKid(jwk) }, typ, claims, { audience: memberId, now: deps.clock.now() })
}

/** A fresh Ed25519 private JWK, for first start on Node and for tests. */
export async function generateEdgeKey(): Promise<JsonWebKey> {
  const { generateKeyPair } = await import('jose')
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  return (await exportJWK(privateKey)) as JsonWebKey
}
