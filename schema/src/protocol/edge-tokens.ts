import { createLocalJWKSet, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import type { DlpFlags } from './agent'

/**
 * Every token the edge signs for a daemon (docs/protocol.md#edge-signed-tokens), one codec for both
 * ends: the edge signs with its Ed25519 key, an agent (or, next, a connection proxy) verifies offline
 * with the public keys it saved at enrolment. Pinned by tests/schema/edge-tokens.test.ts.
 */

/** The issuer of every edge-signed token, and of sign-in tokens. */
export const EDGE_ISSUER = 'oriel-edge'

/** What a browser presents to an agent's gateway to open a session's stream or its files. */
export type StreamClaims = {
  /** The user streaming: the owner, or someone the session is shared with. */
  sub: string
  kasm_id: string
  /** What may cross the gateway; the agent enforces these, not the browser. */
  dlp: DlpFlags
  /** Someone watching a shared session: no input, no uploads. Absent in the token = false. */
  view_only: boolean
}
/**
 * What a browser presents to a connection proxy to reach a fixed server's session: who, which
 * session, the DLP flags, and a one-time id. The proxy checks it offline before the WebSocket
 * upgrade, then redeems it with the edge (once only) for the connection details.
 */
export type ConnectClaims = StreamClaims & {
  /** One-time id: the edge redeems a token once, so a copied URL opens nothing. */
  jti: string
}
/** A wake hint carries nothing: it only tells the daemon to poll now. */
export type WakeClaims = Record<string, never>

export type EdgeTokens = { stream: StreamClaims; connect: ConnectClaims; wake: WakeClaims }
export type EdgeTokenType = keyof EdgeTokens

/**
 * Lifetimes. A stream token is short because the browser asks get_kasm_status for a fresh one at each
 * (re)connect; a wake hint is only a nudge, never retried.
 */
export const EDGE_TOKEN_TTL_S: { readonly [T in EdgeTokenType]: number } = { stream: 300, connect: 60, wake: 30 }

/** The edge's private key as the codec signs with it. */
export type EdgeSigner = { privateKey: CryptoKey; kid: string }

type Codec<C> = { encode: (c: C) => Record<string, unknown>; decode: (p: JWTPayload) => C | null }

const stream: Codec<StreamClaims> = {
  encode: ({ sub, kasm_id, dlp, view_only }) => ({ sub, kasm_id, dlp, ...(view_only && { view_only: true }) }),
  decode: (p) => {
    if (typeof p.sub !== 'string' || typeof p.kasm_id !== 'string' || typeof p.dlp !== 'object' || p.dlp === null) return null
    // Anything but a boolean is a token this daemon does not understand: refused, not read as "full control".
    if (p.view_only !== undefined && typeof p.view_only !== 'boolean') return null
    return { sub: p.sub, kasm_id: p.kasm_id, dlp: p.dlp as DlpFlags, view_only: p.view_only === true }
  },
}

const CODECS: { [T in EdgeTokenType]: Codec<EdgeTokens[T]> } = {
  stream,
  connect: {
    encode: (c) => ({ ...stream.encode(c), jti: c.jti }),
    decode: (p) => {
      const base = stream.decode(p)
      return base && typeof p.jti === 'string' && p.jti.length >= 16 ? { ...base, jti: p.jti } : null
    },
  },
  wake: { encode: () => ({}), decode: () => ({}) },
}

/** Signs a token of type `typ` for one daemon (`audience`: its id), valid for the type's lifetime from `now`. */
export async function signEdgeToken<T extends EdgeTokenType>(
  signer: EdgeSigner,
  typ: T,
  claims: EdgeTokens[T],
  opts: { audience: string; now: Date },
): Promise<string> {
  const iat = Math.floor(opts.now.getTime() / 1000)
  return new SignJWT({ typ, ...CODECS[typ].encode(claims) })
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid })
    .setIssuer(EDGE_ISSUER)
    .setAudience(opts.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + EDGE_TOKEN_TTL_S[typ])
    .sign(signer.privateKey)
}

/**
 * Checks a token offline: EdDSA by a key in `jwks`, issuer, audience (this daemon), expiry at `now`,
 * type, and the type's claims. Null for anything else.
 */
export async function verifyEdgeToken<T extends EdgeTokenType>(
  token: string,
  typ: T,
  opts: { jwks: { keys: JWK[] }; audience: string; now?: Date },
): Promise<EdgeTokens[T] | null> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(opts.jwks), {
      algorithms: ['EdDSA'],
      issuer: EDGE_ISSUER,
      audience: opts.audience,
      ...(opts.now && { currentDate: opts.now }),
    })
    return payload.typ === typ ? CODECS[typ].decode(payload) : null
  } catch {
    return null
  }
}
