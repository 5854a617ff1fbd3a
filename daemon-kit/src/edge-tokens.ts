import { verifyEdgeToken, type EdgeTokens, type EdgeTokenType } from '#schema'
import type { Identity } from './identity'

/**
 * Verifies edge-signed tokens offline for this daemon (docs/protocol.md#edge-signed-tokens): with the
 * edge's public keys saved at enrolment, for this daemon's id as audience. Null before enrolment and
 * for any token that fails a check.
 */
export function createTokenVerifier(identity: Identity) {
  return async <T extends EdgeTokenType>(token: string, typ: T): Promise<EdgeTokens[T] | null> =>
    identity.id && identity.edgeJwks ? verifyEdgeToken(token, typ, { jwks: identity.edgeJwks, audience: identity.id }) : null
}
export type TokenVerifier = ReturnType<typeof createTokenVerifier>
