import { asc, count, eq } from 'drizzle-orm'
import { groups, userGroups, type CreateGroupInput, type Group, type UpdateGroupInput } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { iso, isUniqueViolation, kasmId } from '../ids'
import { authorizeGroupChange, findGroup, permissionsOfGroup } from './lookup'

export function groupView(g: Group, extra: { permissions: string[]; user_count: number }) {
  return {
    group_id: kasmId(g.id),
    name: g.name,
    description: g.description,
    priority: g.priority,
    is_system: g.isSystem,
    created: iso(g.createdAt),
    ...extra,
  }
}

function uniqueConflict(err: unknown): never {
  if (isUniqueViolation(err, 'groups_name_uq')) throw ApiError.conflict('A group with this name already exists', 'target_group.name')
  if (isUniqueViolation(err, 'groups_priority_uq'))
    throw ApiError.conflict('Another group already has this priority', 'target_group.priority')
  throw err
}

export async function listGroups(deps: Deps, caller: Caller) {
  authorize(caller, 'groups_view')
  const rows = await deps.db.select().from(groups).orderBy(asc(groups.priority))
  const counts = await deps.db.select({ groupId: userGroups.groupId, n: count() }).from(userGroups).groupBy(userGroups.groupId)
  const n = new Map(counts.map((c) => [c.groupId, Number(c.n)]))
  const views = await Promise.all(
    rows.map(async (g) => groupView(g, { permissions: await permissionsOfGroup(deps.db, g.id), user_count: n.get(g.id) ?? 0 })),
  )
  return { groups: views }
}

export async function createGroup(deps: Deps, caller: Caller, t: CreateGroupInput) {
  authorize(caller, 'groups_create')
  try {
    const group = await deps.db.transaction(async (tx) => {
      const [g] = await tx
        .insert(groups)
        .values({ name: t.name, description: t.description ?? null, priority: t.priority })
        .returning()
      if (!g) throw new Error('insert returned no row')
      await audit(tx, caller, 'create_group', { type: 'group', id: g.id })
      return groupView(g, { permissions: [], user_count: 0 })
    })
    return { group }
  } catch (err) {
    uniqueConflict(err)
  }
}

export async function updateGroup(deps: Deps, caller: Caller, t: UpdateGroupInput) {
  authorize(caller, 'groups_modify') // before any lookup, so refusals do not reveal what exists
  try {
    const group = await deps.db.transaction(async (tx) => {
      const current = await findGroup(tx, t.group_id)
      await authorizeGroupChange(tx, caller, current)
      if (current.isSystem && t.name !== undefined && t.name !== current.name) {
        throw ApiError.conflict('System groups cannot be renamed', 'target_group.name')
      }
      const [g] = await tx
        .update(groups)
        .set({
          ...(t.name !== undefined && { name: t.name }),
          ...(t.description !== undefined && { description: t.description }),
          ...(t.priority !== undefined && { priority: t.priority }),
        })
        .where(eq(groups.id, current.id))
        .returning()
      if (!g) throw ApiError.notFound('Group', 'target_group.group_id')
      await audit(tx, caller, 'update_group', { type: 'group', id: g.id })
      const [c] = await tx.select({ n: count() }).from(userGroups).where(eq(userGroups.groupId, g.id))
      return groupView(g, { permissions: await permissionsOfGroup(tx, g.id), user_count: Number(c?.n ?? 0) })
    })
    return { group }
  } catch (err) {
    uniqueConflict(err)
  }
}

export async function deleteGroup(deps: Deps, caller: Caller, groupId: string) {
  authorize(caller, 'groups_delete')
  await deps.db.transaction(async (tx) => {
    const g = await findGroup(tx, groupId)
    if (g.isSystem) throw ApiError.conflict('System groups cannot be deleted', 'target_group.group_id')
    await tx.delete(groups).where(eq(groups.id, g.id))
    await audit(tx, caller, 'delete_group', { type: 'group', id: g.id }, { name: g.name })
  })
  return {}
}
