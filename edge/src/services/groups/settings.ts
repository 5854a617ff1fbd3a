import { and, asc, eq } from 'drizzle-orm'
import {
  GROUP_SETTINGS,
  groupSettings,
  groups,
  isGroupSettingName,
  settingValueType,
  userGroups,
  type DbOrTx,
  type GroupSettingName,
  type GroupSettingValues,
} from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { parseOrThrow } from '../../validate'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { kasmId } from '../ids'
import { authorizeGroupChange, findGroup } from './lookup'

const NAMES = Object.keys(GROUP_SETTINGS) as GroupSettingName[]

/** Every catalogue setting with this group's own value where it sets one. */
export async function getGroupSettings(deps: Deps, caller: Caller, groupId: string) {
  authorize(caller, 'groups_view')
  await findGroup(deps.db, groupId)
  const own = await deps.db.select().from(groupSettings).where(eq(groupSettings.groupId, groupId))
  const byName = new Map(own.map((s) => [s.name, s]))
  return {
    settings: NAMES.map((name) => {
      const row = byName.get(name)
      return {
        group_setting_id: row ? kasmId(row.id) : null,
        group_id: kasmId(groupId),
        name,
        value: row ? row.value : null,
        is_set: row !== undefined,
        default: GROUP_SETTINGS[name].default,
        value_type: settingValueType(name),
        description: GROUP_SETTINGS[name].description,
      }
    }),
  }
}

/**
 * Kasm's clients send every setting's value as text ("True", "5", JSON for json settings): read it
 * as the setting's type. Anything else is left for the setting's schema to judge.
 */
export function fromKasmText(type: ReturnType<typeof settingValueType>, value: unknown): unknown {
  if (typeof value !== 'string') return value
  const text = value.trim()
  if (type === 'bool' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true'
  if (type === 'int' && /^-?\d{1,15}$/.test(text)) return Number(text)
  if (type === 'json' && /^[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return value
    }
  }
  return value
}

/** A setting named by `name`, or by the id of this group's row for it. */
async function settingName(deps: Deps, groupId: string, ref: { name?: string; group_setting_id?: string }): Promise<string> {
  if (ref.name !== undefined) return ref.name
  const [row] = await deps.db
    .select({ name: groupSettings.name })
    .from(groupSettings)
    .where(and(eq(groupSettings.id, ref.group_setting_id!), eq(groupSettings.groupId, groupId)))
    .limit(1)
  if (!row) throw ApiError.notFound('Group setting', 'target_setting.group_setting_id')
  return row.name
}

/** Sets (or with `value: null`, removes) one of a group's settings, validated against the catalogue. */
export async function updateGroupSetting(
  deps: Deps,
  caller: Caller,
  groupId: string,
  ref: { name?: string; group_setting_id?: string },
  value: unknown,
) {
  authorize(caller, 'groups_modify') // before any lookup, so refusals do not reveal what exists
  const name = await settingName(deps, groupId, ref)
  if (!isGroupSettingName(name)) throw ApiError.invalid('Invalid target_setting.name: is not a known setting', 'target_setting.name')
  const spec = GROUP_SETTINGS[name]
  const parsed = value === null ? null : parseOrThrow(spec.schema, fromKasmText(settingValueType(name), value), 'target_setting.value')
  await deps.db.transaction(async (tx) => {
    await authorizeGroupChange(tx, caller, await findGroup(tx, groupId))
    if (parsed === null) {
      await tx.delete(groupSettings).where(and(eq(groupSettings.groupId, groupId), eq(groupSettings.name, name)))
    } else {
      await tx
        .insert(groupSettings)
        .values({ groupId, name, value: parsed })
        .onConflictDoUpdate({ target: [groupSettings.groupId, groupSettings.name], set: { value: parsed } })
    }
    await audit(tx, caller, 'update_settings_group', { type: 'group', id: groupId }, { name, removed: parsed === null })
  })
  return getGroupSettings(deps, caller, groupId)
}

/**
 * A user's effective settings (Kasm's rule): for each setting, the value of the member group with
 * the lowest priority number that sets it, else the default; merge settings combine every member
 * group's value, the lower priority number winning where two name the same key.
 */
export async function resolveUserSettings(db: DbOrTx, userId: string): Promise<GroupSettingValues> {
  const rows = await db
    .select({ name: groupSettings.name, value: groupSettings.value })
    .from(groupSettings)
    .innerJoin(groups, eq(groups.id, groupSettings.groupId))
    .innerJoin(userGroups, eq(userGroups.groupId, groups.id))
    .where(eq(userGroups.userId, userId))
    .orderBy(asc(groups.priority))
  const out: Record<string, unknown> = {}
  for (const name of NAMES) {
    const spec: { default: unknown; merge?: true } = GROUP_SETTINGS[name]
    const values = rows.filter((r) => r.name === name).map((r) => r.value)
    if (spec.merge) {
      // Spread from the highest priority number down, so lower numbers overwrite.
      out[name] = Object.assign({}, spec.default, ...values.reverse())
    } else {
      out[name] = values.length > 0 ? values[0] : spec.default
    }
  }
  return out as GroupSettingValues
}
