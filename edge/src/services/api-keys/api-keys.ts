import { and, asc, eq, inArray } from 'drizzle-orm'
import {
  apiKeyPermissions,
  apiKeys,
  type ApiKey,
  type CreateApiKeyInput,
  type DbOrTx,
  type Permission,
  type UpdateApiKeyInput,
} from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, authorizeGrant, type Caller } from '../auth/caller'
import { randomToken, sha256Hex } from '../auth/bytes'
import { iso, kasmId, kasmIdOrNull } from '../ids'

/** Kasm's key formats: a 12-character key and a 32-character secret. */
const KEY_LENGTH = 12
const SECRET_LENGTH = 32

function apiKeyView(k: ApiKey, permissions: string[]) {
  return {
    api_key_id: kasmId(k.id),
    name: k.name,
    api_key: k.apiKey,
    enabled: k.enabled,
    read_only: k.readOnly,
    expires: iso(k.expiresAt),
    last_used: iso(k.lastUsedAt),
    created: iso(k.createdAt),
    created_by: kasmIdOrNull(k.createdBy),
    permissions,
  }
}

async function permissionsOf(db: DbOrTx, ids: string[]) {
  const out = new Map<string, string[]>()
  if (ids.length === 0) return out
  for (const r of await db.select().from(apiKeyPermissions).where(inArray(apiKeyPermissions.apiKeyId, ids))) {
    out.set(r.apiKeyId, [...(out.get(r.apiKeyId) ?? []), r.permission].sort())
  }
  return out
}

async function findKey(db: DbOrTx, id: string): Promise<ApiKey> {
  const [k] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1)
  if (!k) throw ApiError.notFound('API key', 'target_api_key.api_key_id')
  return k
}

export async function listApiKeys(deps: Deps, caller: Caller) {
  authorize(caller, 'devapi_view')
  const rows = await deps.db.select().from(apiKeys).orderBy(asc(apiKeys.name))
  const perms = await permissionsOf(
    deps.db,
    rows.map((k) => k.id),
  )
  return { api_keys: rows.map((k) => apiKeyView(k, perms.get(k.id) ?? [])) }
}

/** Creates a key with no permissions; the secret is in this response and nowhere else, ever. */
export async function createApiKey(deps: Deps, caller: Caller, t: CreateApiKeyInput) {
  authorize(caller, 'devapi_create')
  const secret = randomToken(SECRET_LENGTH)
  const key = await deps.db.transaction(async (tx) => {
    const [k] = await tx
      .insert(apiKeys)
      .values({
        name: t.name,
        apiKey: randomToken(KEY_LENGTH),
        secretHash: sha256Hex(secret),
        readOnly: t.read_only ?? false,
        enabled: t.enabled ?? true,
        expiresAt: t.expires ?? null,
        createdBy: caller.userId,
      })
      .returning()
    if (!k) throw new Error('insert returned no row')
    await audit(tx, caller, 'create_api_key', { type: 'api_key', id: k.id })
    return k
  })
  return { api_key: { ...apiKeyView(key, []), api_key_secret: secret } }
}

export async function updateApiKey(deps: Deps, caller: Caller, t: UpdateApiKeyInput) {
  authorize(caller, 'devapi_modify')
  const key = await deps.db.transaction(async (tx) => {
    await findKey(tx, t.api_key_id)
    const [k] = await tx
      .update(apiKeys)
      .set({
        ...(t.name !== undefined && { name: t.name }),
        ...(t.read_only !== undefined && { readOnly: t.read_only }),
        ...(t.enabled !== undefined && { enabled: t.enabled }),
        ...(t.expires !== undefined && { expiresAt: t.expires }),
      })
      .where(eq(apiKeys.id, t.api_key_id))
      .returning()
    if (!k) throw ApiError.notFound('API key', 'target_api_key.api_key_id')
    await audit(tx, caller, 'update_api_key', { type: 'api_key', id: k.id })
    return k
  })
  return { api_key: apiKeyView(key, (await permissionsOf(deps.db, [key.id])).get(key.id) ?? []) }
}

export async function deleteApiKey(deps: Deps, caller: Caller, id: string) {
  authorize(caller, 'devapi_delete')
  await deps.db.transaction(async (tx) => {
    await findKey(tx, id)
    await tx.delete(apiKeys).where(eq(apiKeys.id, id))
    await audit(tx, caller, 'delete_api_key', { type: 'api_key', id })
  })
  return {}
}

/** Replaces a key's permissions. The caller must hold every permission added or taken away. */
export async function setApiKeyPermissions(deps: Deps, caller: Caller, id: string, names: Permission[]) {
  authorize(caller, 'devapi_modify')
  const wanted = [...new Set(names)]
  const key = await deps.db.transaction(async (tx) => {
    const k = await findKey(tx, id)
    const current = (await permissionsOf(tx, [id])).get(id) ?? []
    const added = wanted.filter((p) => !current.includes(p))
    const removed = current.filter((p) => !wanted.includes(p as Permission))
    authorizeGrant(caller, [...added, ...removed])
    if (removed.length > 0)
      await tx.delete(apiKeyPermissions).where(and(eq(apiKeyPermissions.apiKeyId, id), inArray(apiKeyPermissions.permission, removed)))
    if (added.length > 0) await tx.insert(apiKeyPermissions).values(added.map((permission) => ({ apiKeyId: id, permission })))
    await audit(tx, caller, 'set_api_key_permissions', { type: 'api_key', id }, { added, removed })
    return k
  })
  return { api_key: apiKeyView(key, wanted.sort()) }
}
