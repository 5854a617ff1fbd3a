import * as v from 'valibot'
import { body, IdSchema } from './common'

export const LoginSchema = body({
  username: v.pipe(v.string(), v.trim(), v.minLength(1, 'is required'), v.maxLength(255)),
  password: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(1024)),
})
export type LoginInput = v.InferOutput<typeof LoginSchema>

/** Kasm's deep link (`/#/connect/kasm/<kasm_id>/<user_id>/<session_token>`) signs in with these. */
export const SessionTokenLoginSchema = body({
  kasm_id: IdSchema,
  user_id: IdSchema,
  session_token: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(256)),
})
export type SessionTokenLoginInput = v.InferOutput<typeof SessionTokenLoginSchema>

/** A one-time sign-in link's token (get_login's `url` ends with it). */
export const LoginLinkSchema = body({ login_token: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(256)) })
export type LoginLinkInput = v.InferOutput<typeof LoginLinkSchema>
