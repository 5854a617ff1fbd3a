import { eq } from 'drizzle-orm'
import { agents, connectionProxies, groupImages, images, registrationTokens, zones, type Db } from '#schema'
import { randomToken, sha256Hex } from '../services/auth/bytes'
import { groupIdByName, ALL_USERS } from '../services/users/lookup'
import { DEFAULT_ZONE } from '../services/zones/zones'

/** The reference desktop `npm start` builds from Debian packages and offers to All Users. */
export const REFERENCE_IMAGE = 'oriel/desktop:1.0'

/** A registration token for the single-machine agent, made directly in the database; valid 10 minutes. */
export async function localAgentToken(db: Db): Promise<string> {
  const token = randomToken(40)
  const [zone] = await db.select({ id: zones.id }).from(zones).where(eq(zones.name, DEFAULT_ZONE))
  await db.insert(registrationTokens).values({
    zoneId: zone!.id,
    tokenHash: sha256Hex(token),
    description: 'local agent (npm start)',
    expiresAt: new Date(Date.now() + 600_000),
  })
  return token
}

/** Offers the reference desktop to All Users, once. */
export async function offerReferenceDesktop(db: Db) {
  const [existing] = await db.select({ id: images.id }).from(images).where(eq(images.name, REFERENCE_IMAGE)).limit(1)
  if (existing) return
  const [img] = await db
    .insert(images)
    .values({
      name: REFERENCE_IMAGE,
      friendlyName: 'Debian Desktop',
      description: 'A desktop with a terminal (built locally from Debian packages)',
      categories: ['Desktop'],
      cores: 1,
      memory: 1_073_741_824,
    })
    .returning()
  await db.insert(groupImages).values({ groupId: await groupIdByName(db, ALL_USERS), imageId: img!.id })
}

/**
 * Where browsers reach npm start's own agent and proxy: under the platform's public URL, which the operator may
 * change between starts (ORIEL_PUBLIC_URL), so it is set on every start rather than only at enrolment.
 */
export async function setLocalPublicUrl(db: Db, kind: 'agent' | 'proxy', id: string, publicUrl: string) {
  const table = kind === 'agent' ? agents : connectionProxies
  await db.update(table).set({ publicUrl }).where(eq(table.id, id))
}
