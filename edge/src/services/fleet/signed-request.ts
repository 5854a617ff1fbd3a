import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose'
import { and, eq, lt } from 'drizzle-orm'
import { bodySha256, DASHED_UUID_RE, MAX_SIGNATURE_LIFETIME_S, SIGNATURE_SCHEME, type SignedPayload } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { memberTable, type FleetKind, type FleetMember } from './kinds'

/** Clocks of the edge and an agent may differ by up to this much. */
const CLOCK_SKEW_S = 60

const refuse = (why: string): never => {
  throw new ApiError('unauthenticated', `Invalid request signature: ${why}`)
}

/**
 * Verifies `Authorization: Oriel-Sig <JWS>` from a fleet member of `kind`: EdDSA signature by the key enrolled for
 * `kid`, method, path, body hash, lifetime, clock skew, and a sequence number above the last one
 * accepted. The sequence check and `last_seen` are one conditional UPDATE, so two copies of one
 * request cannot both pass. Any failure is a 401 and changes nothing.
 *
 * `ordered: false` is for requests that carry their own one-time proof (a proxy redeeming a connect
 * token, whose jti is spent once): a proxy's processes sign concurrently with one key, so their
 * numbers reach the edge out of order, and a replayed copy is refused by the spent jti instead.
 */
export async function verifySignedRequest<K extends FleetKind>(
  deps: Deps,
  kind: K,
  req: { method: string; path: string; body: string; authorization: string | undefined },
  o: { ordered?: boolean } = {},
): Promise<FleetMember<K>> {
  const table = memberTable(kind)
  const jws = req.authorization?.startsWith(`${SIGNATURE_SCHEME} `)
    ? req.authorization.slice(SIGNATURE_SCHEME.length + 1).trim()
    : refuse('missing Oriel-Sig authorization')
  let kid: string | undefined
  try {
    const header = decodeProtectedHeader(jws)
    if (header.alg !== 'EdDSA') refuse('algorithm must be EdDSA')
    kid = header.kid
  } catch (err) {
    if (err instanceof ApiError) throw err
    refuse('malformed JWS')
  }
  if (!kid || !DASHED_UUID_RE.test(kid)) refuse('unknown key')
  const [member] = await deps.db.select().from(table).where(eq(table.id, kid!)).limit(1)
  if (!member) return refuse('unknown key')
  let payload: SignedPayload
  try {
    const key = await importJWK(member.publicJwk as JWK, 'EdDSA')
    const verified = await compactVerify(jws, key, { algorithms: ['EdDSA'] })
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as SignedPayload
  } catch {
    return refuse('bad signature')
  }
  const now = Math.floor(deps.clock.now().getTime() / 1000)
  if (payload.htm !== req.method) refuse('method does not match')
  if (payload.htu !== req.path) refuse('path does not match')
  if (payload.body_sha256 !== bodySha256(req.body)) refuse('body does not match')
  if (!Number.isSafeInteger(payload.seq) || payload.seq <= 0) refuse('bad sequence number')
  if (!Number.isInteger(payload.iat) || !Number.isInteger(payload.exp)) refuse('bad times')
  if (payload.exp - payload.iat > MAX_SIGNATURE_LIFETIME_S || payload.exp < payload.iat) refuse('lifetime over 60 s')
  if (payload.iat > now + CLOCK_SKEW_S) refuse('issued in the future')
  if (payload.exp < now) refuse('expired')
  if (o.ordered === false) return member as FleetMember<K>
  const [accepted] = await deps.db
    .update(table)
    .set({ lastSeq: payload.seq, lastSeenAt: deps.clock.now(), status: 'online' })
    .where(and(eq(table.id, member.id), lt(table.lastSeq, payload.seq)))
    .returning()
  if (!accepted) refuse('replayed or out-of-order sequence number')
  return accepted!
}
