import { eq, sql } from 'drizzle-orm'
import { groupPermissions, groups, userAttributes, userGroups, users, zones, type Db } from '#schema'
import { hashPassword } from './auth/passwords'
import { randomToken } from './auth/bytes'
import { ADMINISTRATORS, ALL_USERS, findUserByName } from './users/lookup'
import { DEFAULT_ZONE } from './zones/zones'

const BOOTSTRAP_LOCK_ID = 7_301_735

export type BootstrapOptions = { adminPassword?: string; userPassword?: string }

/**
 * Makes the built-in zone, groups and accounts when missing (idempotent; safe to run on every start).
 * Returns the accounts it created with their passwords, which the caller prints once.
 */
export async function bootstrap(db: Db, opts: BootstrapOptions = {}): Promise<{ username: string; password: string }[]> {
  const accounts = [
    { username: 'admin@kasm.local', password: opts.adminPassword, groups: [ALL_USERS, ADMINISTRATORS] },
    { username: 'user@kasm.local', password: opts.userPassword, groups: [ALL_USERS] },
  ]
  const hashes = await Promise.all(
    accounts.map(async (a) => {
      const password = a.password ?? randomToken(20)
      return { password, hash: await hashPassword(password) }
    }),
  )
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK_ID})`)
    await tx.insert(zones).values({ name: DEFAULT_ZONE, description: 'Created at installation' }).onConflictDoNothing()
    const builtIn = [
      { name: ALL_USERS, priority: 1000, permission: 'user', description: 'Every user belongs to this group.' },
      { name: ADMINISTRATORS, priority: 1, permission: 'global_admin', description: 'Global administrators.' },
    ]
    const ids = new Map<string, string>()
    for (const g of builtIn) {
      await tx
        .insert(groups)
        .values({ name: g.name, priority: g.priority, description: g.description, isSystem: true })
        .onConflictDoNothing()
      const [row] = await tx.select({ id: groups.id }).from(groups).where(eq(groups.name, g.name))
      if (!row) throw new Error(`could not create group ${g.name}`)
      ids.set(g.name, row.id)
      await tx.insert(groupPermissions).values({ groupId: row.id, permission: g.permission }).onConflictDoNothing()
    }
    const created: { username: string; password: string }[] = []
    for (const [i, a] of accounts.entries()) {
      if (await findUserByName(tx, a.username)) continue
      const { password, hash } = hashes[i]!
      const [u] = await tx.insert(users).values({ username: a.username, passwordHash: hash, passwordSetAt: new Date() }).returning()
      if (!u) throw new Error('insert returned no row')
      await tx.insert(userAttributes).values({ userId: u.id })
      await tx.insert(userGroups).values(a.groups.map((name) => ({ userId: u.id, groupId: ids.get(name)! })))
      created.push({ username: a.username, password })
    }
    return created
  })
}
