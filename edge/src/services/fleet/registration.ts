import { and, asc, eq, gt, isNull } from 'drizzle-orm'
import { registrationTokens, zones } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { randomToken, sha256Hex } from '../auth/bytes'
import { iso, kasmId } from '../ids'

/** Registration tokens last a day unless the admin says otherwise (at most 30 days). */
export const DEFAULT_TOKEN_TTL_S = 86_400

export async function createRegistrationToken(
  deps: Deps,
  caller: Caller,
  t: { zone_id: string; description?: string | null; expires_in_seconds?: number },
) {
  authorize(caller, 'agents_modify')
  const [zone] = await deps.db.select({ id: zones.id }).from(zones).where(eq(zones.id, t.zone_id)).limit(1)
  if (!zone) throw ApiError.notFound('Zone', 'target_registration_token.zone_id')
  const token = randomToken(40)
  const expiresAt = new Date(deps.clock.now().getTime() + (t.expires_in_seconds ?? DEFAULT_TOKEN_TTL_S) * 1000)
  const row = await deps.db.transaction(async (tx) => {
    const [r] = await tx
      .insert(registrationTokens)
      .values({ zoneId: zone.id, tokenHash: sha256Hex(token), description: t.description ?? null, expiresAt, createdBy: caller.userId })
      .returning()
    await audit(tx, caller, 'create_registration_token', { type: 'zone', id: zone.id })
    return r!
  })
  return { registration_token: { ...tokenView(row), token } }
}

const tokenView = (r: typeof registrationTokens.$inferSelect) => ({
  registration_token_id: kasmId(r.id),
  zone_id: kasmId(r.zoneId),
  description: r.description,
  expires: iso(r.expiresAt),
  revoked: iso(r.revokedAt),
  created: iso(r.createdAt),
})

export async function listRegistrationTokens(deps: Deps, caller: Caller) {
  authorize(caller, 'agents_view')
  const rows = await deps.db.select().from(registrationTokens).orderBy(asc(registrationTokens.createdAt))
  return { registration_tokens: rows.map(tokenView) }
}

export async function revokeRegistrationToken(deps: Deps, caller: Caller, id: string) {
  authorize(caller, 'agents_modify')
  const [r] = await deps.db
    .update(registrationTokens)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(registrationTokens.id, id), isNull(registrationTokens.revokedAt)))
    .returning()
  if (!r) throw ApiError.notFound('Active registration token', 'target_registration_token.registration_token_id')
  await audit(deps.db, caller, 'revoke_registration_token', { type: 'zone', id: r.zoneId })
  return {}
}

/** The zone a live token enrols into, or a 401 that says nothing about why. */
export async function zoneForToken(deps: Deps, token: string): Promise<string> {
  const [r] = await deps.db
    .select({ zoneId: registrationTokens.zoneId })
    .from(registrationTokens)
    .where(
      and(
        eq(registrationTokens.tokenHash, sha256Hex(token)),
        isNull(registrationTokens.revokedAt),
        gt(registrationTokens.expiresAt, deps.clock.now()),
      ),
    )
    .limit(1)
  if (!r) throw new ApiError('unauthenticated', 'Invalid, expired or revoked registration token')
  return r.zoneId
}
