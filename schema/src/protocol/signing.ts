import { sha256 } from '@noble/hashes/sha2.js'
import { CompactSign, type CryptoKey } from 'jose'

/**
 * The signed-request codec of the agent protocol (docs/protocol.md#signed-requests), written once for
 * both ends: the agent signs with it, the edge checks the same fields. Its bytes are pinned by
 * tests/schema/signing.test.ts, the edge's refusals by tests/edge/api/agent-protocol.test.ts.
 */
export type SignedPayload = { htm: string; htu: string; body_sha256: string; seq: number; iat: number; exp: number }

/** A signature lives at most 60 s (docs/protocol.md#signed-requests). */
export const MAX_SIGNATURE_LIFETIME_S = 60
export const SIGNATURE_SCHEME = 'Oriel-Sig'

export const bodySha256 = (body: string) =>
  Array.from(sha256(new TextEncoder().encode(body)), (b) => b.toString(16).padStart(2, '0')).join('')

/** `Authorization` header value for one request. */
export async function signRequest(
  key: CryptoKey,
  kid: string,
  req: { method: string; path: string; body: string },
  seq: number,
  now: Date,
  lifetimeS = 30,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000)
  const payload: SignedPayload = { htm: req.method, htu: req.path, body_sha256: bodySha256(req.body), seq, iat, exp: iat + lifetimeS }
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', kid }).sign(key)
  return `${SIGNATURE_SCHEME} ${jws}`
}

/**
 * Sequence numbers that keep increasing across restarts without being stored: microseconds of wall
 * time, bumped when two requests fall in the same microsecond.
 */
export function sequence(now: () => number = Date.now) {
  let last = 0
  return () => (last = Math.max(last + 1, Math.floor(now() * 1000)))
}
