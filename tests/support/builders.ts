// Fixtures written straight to the database, so tests do not depend on the verbs they are not testing
// (and do not pay 600,000 PBKDF2 iterations for every user they need).
import { eq } from 'drizzle-orm'
import {
  apiKeyPermissions,
  apiKeys,
  authSessions,
  groupPermissions,
  groups,
  groupSettings,
  images,
  kasms,
  userAttributes,
  userGroups,
  users,
  type Db,
  type NewImage,
  type Permission,
} from '#schema'
import { randomToken, sha256Hex } from '../../edge/src/services/auth/bytes'
import { hashPassword } from '../../edge/src/services/auth/passwords'
import { signSessionToken } from '../../edge/src/services/auth/tokens'
import type { Clock } from '../../edge/src/clock'

export const TEST_PASSWORD = 'correct horse battery staple'
let testPasswordHash: Promise<string> | undefined

const unique = () => crypto.randomUUID().slice(0, 8)
/** Kasm writes ids without dashes; tests send them that way unless they test the dashed form. */
export const kid = (uuid: string) => uuid.replaceAll('-', '')

export function builders(db: Db, clock: Clock, sessionSecret: Uint8Array) {
  const groupId = async (name: string) => {
    const [g] = await db.select({ id: groups.id }).from(groups).where(eq(groups.name, name))
    if (!g) throw new Error(`no group ${name}`)
    return g.id
  }
  const b = {
    groupId,
    async user(o: { username?: string; groups?: string[]; password?: boolean; locked?: boolean; disabled?: boolean } = {}) {
      const passwordHash = o.password ? await (testPasswordHash ??= hashPassword(TEST_PASSWORD)) : null
      const [u] = await db
        .insert(users)
        .values({
          username: o.username ?? `user-${unique()}@example.com`,
          passwordHash,
          locked: o.locked ?? false,
          disabled: o.disabled ?? false,
        })
        .returning()
      await db.insert(userAttributes).values({ userId: u!.id })
      for (const name of ['All Users', ...(o.groups ?? [])])
        await db.insert(userGroups).values({ userId: u!.id, groupId: await groupId(name) })
      return u!
    },
    async group(o: { name?: string; priority?: number; permissions?: Permission[]; settings?: Record<string, unknown> } = {}) {
      const [g] = await db
        .insert(groups)
        .values({ name: o.name ?? `group-${unique()}`, priority: o.priority ?? 2 + Math.floor(Math.random() * 90_000) })
        .returning()
      for (const permission of o.permissions ?? []) await db.insert(groupPermissions).values({ groupId: g!.id, permission })
      for (const [name, value] of Object.entries(o.settings ?? {})) await db.insert(groupSettings).values({ groupId: g!.id, name, value })
      return g!
    },
    async addToGroup(userId: string, gid: string) {
      await db.insert(userGroups).values({ userId, groupId: gid })
    },
    async image(o: Partial<NewImage> = {}) {
      const [i] = await db
        .insert(images)
        .values({ friendlyName: `Desktop ${unique()}`, name: 'oriel/desktop:1.0', ...o })
        .returning()
      return i!
    },
    async permitImage(gid: string, imageId: string) {
      const { groupImages } = await import('#schema')
      await db.insert(groupImages).values({ groupId: gid, imageId })
    },
    async apiKey(o: { permissions?: Permission[]; readOnly?: boolean; enabled?: boolean; expiresAt?: Date | null } = {}) {
      const secret = randomToken(32)
      const [k] = await db
        .insert(apiKeys)
        .values({
          name: `key-${unique()}`,
          apiKey: randomToken(12),
          secretHash: sha256Hex(secret),
          readOnly: o.readOnly ?? false,
          enabled: o.enabled ?? true,
          expiresAt: o.expiresAt ?? null,
        })
        .returning()
      for (const permission of o.permissions ?? []) await db.insert(apiKeyPermissions).values({ apiKeyId: k!.id, permission })
      return { id: k!.id, api_key: k!.apiKey, api_key_secret: secret }
    },
    /** A sign-in session for a user, as login would make, without the password round. */
    async tokenFor(userId: string) {
      const expiresAt = new Date(clock.now().getTime() + 3_600_000)
      const [s] = await db.insert(authSessions).values({ userId, expiresAt }).returning()
      return signSessionToken({ sid: s!.id, sub: userId }, sessionSecret, expiresAt)
    },
    async kasm(userId: string, imageId: string, status: 'running' | 'deleted' = 'running') {
      const [k] = await db.insert(kasms).values({ userId, imageId, status }).returning()
      return k!
    },
    /** An admin (Administrators group) and their token. */
    async admin() {
      const u = await b.user({ groups: ['Administrators'] })
      return { user: u, token: await b.tokenFor(u.id) }
    },
    /** A plain user (All Users only) and their token. */
    async plainUser() {
      const u = await b.user()
      return { user: u, token: await b.tokenFor(u.id) }
    },
  }
  return b
}
export type Builders = ReturnType<typeof builders>
