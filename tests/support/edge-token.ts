import { importJWK, type CryptoKey } from 'jose'
import { signEdgeToken, type EdgeTokens, type EdgeTokenType } from '#schema'
import { TEST_EDGE_SIGNING_KEY } from './constants'

/**
 * Signs an edge token with the test edge key through the shared codec, as the edge would: for tests
 * that present a daemon with a token the edge did not hand out (another audience, another type, a
 * forged flag).
 */
export async function signTestEdgeToken<T extends EdgeTokenType>(typ: T, claims: EdgeTokens[T], audience: string, now = new Date()) {
  const jwk = JSON.parse(TEST_EDGE_SIGNING_KEY) as { x: string }
  const privateKey = (await importJWK(jwk, 'EdDSA')) as CryptoKey
  return signEdgeToken({ privateKey, kid: `edge-${jwk.x.slice(0, 16)}` }, typ, claims, { audience, now })
}
