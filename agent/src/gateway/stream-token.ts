import { createLocalJWKSet, jwtVerify, type JWK } from 'jose'

export type StreamClaims = {
  sub: string
  kasm_id: string
  dlp: { clipboard_up: boolean; clipboard_down: boolean; uploads: boolean; downloads: boolean; printing: boolean }
  /** Someone watching a shared session: the gateway passes them no input and no uploads. Absent in the token = false. */
  view_only: boolean
}

/**
 * Checks an edge-signed token offline, with the edge's public keys from enrolment: signature,
 * issuer, audience (this agent), expiry and type. Null for anything else.
 */
export async function verifyEdgeToken(token: string, jwks: { keys: JWK[] }, agentId: string, typ: 'stream' | 'wake') {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['EdDSA'], issuer: 'oriel-edge', audience: agentId })
    return payload.typ === typ ? payload : null
  } catch {
    return null
  }
}

export async function verifyStreamToken(
  token: string,
  jwks: { keys: JWK[] },
  agentId: string,
  kasmId: string,
): Promise<StreamClaims | null> {
  const p = await verifyEdgeToken(token, jwks, agentId, 'stream')
  if (!p || p.kasm_id !== kasmId || typeof p.sub !== 'string' || typeof p.dlp !== 'object' || p.dlp === null) return null
  // Anything but a boolean is a token this agent does not understand: refused, not read as "full control".
  if (p.view_only !== undefined && typeof p.view_only !== 'boolean') return null
  return { ...(p as unknown as StreamClaims), view_only: p.view_only === true }
}
