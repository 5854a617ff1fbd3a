import { eq } from 'drizzle-orm'
import { images, userAttributes, type DbOrTx, type UpdateUserAttributesInput, type UserAttributes } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, isSelf, type Caller } from '../auth/caller'
import { kasmId, kasmIdOrNull } from '../ids'
import { userPrivateKey } from '../kasms/server-connect'
import { findUser } from './lookup'

function attributesView(a: UserAttributes) {
  return {
    user_attributes_id: kasmId(a.id),
    user_id: kasmId(a.userId),
    ssh_public_key: a.sshPublicKey,
    default_image: kasmIdOrNull(a.defaultImageId),
    theme: a.theme,
    preferred_language: a.preferredLanguage,
    preferred_timezone: a.preferredTimezone,
    show_tips: a.showTips,
    toggle_control_panel: a.toggleControlPanel,
    auto_login_kasm: a.autoLoginKasm,
    chat_sfx: a.chatSfx,
  }
}

async function attributesOf(db: DbOrTx, userId: string): Promise<UserAttributes> {
  const [a] = await db.select().from(userAttributes).where(eq(userAttributes.userId, userId)).limit(1)
  if (a) return a
  // Rows are made with the user; this covers users inserted by other means (SSO, imports).
  const [made] = await db.insert(userAttributes).values({ userId }).onConflictDoNothing().returning()
  return made ?? (await attributesOf(db, userId))
}

/** A user may read their own attributes; others need users_view. */
export async function getAttributes(deps: Deps, caller: Caller, userId: string) {
  if (!isSelf(caller, userId)) authorize(caller, 'users_view')
  const user = await findUser(deps.db, userId)
  let a = await attributesOf(deps.db, userId)
  // Kasm gives each user an SSH key pair for "Use User SSH Key" servers; the public half is shown here
  // so the user can install it before connecting. Made on the first read unless the user set a public
  // key of their own; the private half goes only to a proxy, for a connection.
  if (a.sshPrivateKeyEnc === null && a.sshPublicKey === null) {
    await userPrivateKey(deps, userId, user.username)
    a = await attributesOf(deps.db, userId)
  }
  return { user_attributes: attributesView(a) }
}

/** A user may change their own attributes; others need users_modify. */
export async function updateAttributes(deps: Deps, caller: Caller, t: UpdateUserAttributesInput) {
  if (!isSelf(caller, t.user_id)) authorize(caller, 'users_modify')
  const attributes = await deps.db.transaction(async (tx) => {
    await findUser(tx, t.user_id, 'target_user_attributes.user_id')
    if (t.default_image) {
      const [img] = await tx.select({ id: images.id }).from(images).where(eq(images.id, t.default_image)).limit(1)
      if (!img) throw ApiError.notFound('Workspace', 'target_user_attributes.default_image')
    }
    await attributesOf(tx, t.user_id)
    const [a] = await tx
      .update(userAttributes)
      .set({
        ...(t.ssh_public_key !== undefined && { sshPublicKey: t.ssh_public_key || null }),
        ...(t.default_image !== undefined && { defaultImageId: t.default_image }),
        ...(t.theme !== undefined && { theme: t.theme }),
        ...(t.preferred_language !== undefined && { preferredLanguage: t.preferred_language }),
        ...(t.preferred_timezone !== undefined && { preferredTimezone: t.preferred_timezone }),
        ...(t.show_tips !== undefined && { showTips: t.show_tips }),
        ...(t.toggle_control_panel !== undefined && { toggleControlPanel: t.toggle_control_panel }),
        ...(t.auto_login_kasm !== undefined && { autoLoginKasm: t.auto_login_kasm }),
        ...(t.chat_sfx !== undefined && { chatSfx: t.chat_sfx }),
      })
      .where(eq(userAttributes.userId, t.user_id))
      .returning()
    if (!a) throw new Error('attributes row vanished')
    await audit(tx, caller, 'update_user_attributes', { type: 'user', id: t.user_id })
    return a
  })
  return { user_attributes: attributesView(attributes) }
}
