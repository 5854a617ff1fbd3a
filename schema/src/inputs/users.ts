import * as v from 'valibot'
import { body, IdSchema, NameSchema, OptionalTextSchema, PasswordSchema } from './common'

const UserFieldsSchema = {
  first_name: OptionalTextSchema(255),
  last_name: OptionalTextSchema(255),
  phone: OptionalTextSchema(64),
  organization: OptionalTextSchema(255),
  notes: OptionalTextSchema(4000),
  email: v.optional(
    v.nullable(
      v.pipe(
        v.string(),
        v.trim(),
        v.maxLength(255),
        v.transform((s) => (s === '' ? null : s)),
        v.nullable(v.pipe(v.string(), v.email('must be an e-mail address'))),
      ),
    ),
  ),
  city: OptionalTextSchema(255),
  state: OptionalTextSchema(255),
  country: OptionalTextSchema(255),
  locked: v.optional(v.boolean()),
  disabled: v.optional(v.boolean()),
}

/** Usernames are usually e-mail addresses; any printable text without spaces is accepted, as in Kasm. */
export const UsernameSchema = v.pipe(NameSchema(255), v.regex(/^[^\s]+$/, 'must not contain spaces'))

export const TargetUserRefSchema = v.object({ user_id: IdSchema })

export const GetUserSchema = body({
  target_user: v.pipe(
    v.object({ user_id: v.optional(IdSchema), username: v.optional(v.pipe(v.string(), v.trim())) }),
    v.check((t) => t.user_id !== undefined || (t.username ?? '') !== '', 'needs user_id or username'),
  ),
})
export const CreateUserSchema = body({
  target_user: v.object({ username: UsernameSchema, password: v.optional(PasswordSchema), ...UserFieldsSchema }),
})
export const UpdateUserSchema = body({
  target_user: v.object({
    user_id: IdSchema,
    username: v.optional(UsernameSchema),
    password: v.optional(PasswordSchema),
    ...UserFieldsSchema,
  }),
})
export const DeleteUserSchema = body({ target_user: TargetUserRefSchema, force: v.optional(v.boolean(), false) })
export const TargetUserSchema = body({ target_user: TargetUserRefSchema })

/** An OpenSSH public key line: type, base64 body, optional comment. */
const SshPublicKeySchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(16_384),
  v.regex(
    /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/,
    'must be an OpenSSH public key (e.g. "ssh-ed25519 AAAA… comment")',
  ),
)

/** A flag sent as null (as Kasm's clients send one they read as unset) leaves it as it is. */
const unsetIsUnchanged = <S extends v.GenericSchema>(s: S) =>
  v.pipe(
    v.optional(v.nullable(s)),
    v.transform((x) => x ?? undefined),
  )

export const UpdateUserAttributesSchema = body({
  target_user_attributes: v.object({
    user_id: IdSchema,
    // Kasm's clients send back what get_attributes gave them: "" for no key, null for an unset flag.
    ssh_public_key: v.optional(
      v.nullable(v.union([v.literal(''), SshPublicKeySchema], 'must be an OpenSSH public key (e.g. "ssh-ed25519 AAAA… comment") or ""')),
    ),
    default_image: v.optional(v.nullable(IdSchema)),
    theme: unsetIsUnchanged(v.picklist(['light', 'dark', 'auto'], 'must be light, dark or auto')),
    preferred_language: OptionalTextSchema(35),
    preferred_timezone: OptionalTextSchema(64),
    show_tips: unsetIsUnchanged(v.boolean()),
    toggle_control_panel: unsetIsUnchanged(v.boolean()),
    auto_login_kasm: unsetIsUnchanged(v.boolean()),
    chat_sfx: unsetIsUnchanged(v.boolean()),
  }),
})

export type CreateUserInput = v.InferOutput<typeof CreateUserSchema>['target_user']
export type UpdateUserInput = v.InferOutput<typeof UpdateUserSchema>['target_user']
export type UpdateUserAttributesInput = v.InferOutput<typeof UpdateUserAttributesSchema>['target_user_attributes']

/** A user changing their own password: the current one proves it is them. */
export const SetPasswordSchema = body({
  current_password: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(1024)),
  new_password: PasswordSchema,
})
