import { jwtVerify, SignJWT } from 'jose'
import { EDGE_ISSUER } from '#schema'

/** Claims of a sign-in token: the session row it names and its user. */
export type SessionClaims = { sid: string; sub: string }

const AUDIENCE = 'oriel-api'

/** Signs a sign-in token (HS256; docs/security.md#sign-in-tokens-and-the-session-cookie) for a session row. */
export async function signSessionToken(claims: SessionClaims, secret: Uint8Array, expiresAt: Date): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(EDGE_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secret)
}

/** Verifies signature, issuer, audience and expiry; null for anything else. The row check comes after. */
export async function verifySessionToken(token: string, secret: Uint8Array, now: Date): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: EDGE_ISSUER,
      audience: AUDIENCE,
      currentDate: now,
    })
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return null
    return { sid: payload.sid, sub: payload.sub }
  } catch {
    return null
  }
}
