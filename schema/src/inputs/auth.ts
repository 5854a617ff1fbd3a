import * as v from 'valibot'
import { body } from './common'

export const LoginSchema = body({
  username: v.pipe(v.string(), v.trim(), v.minLength(1, 'is required'), v.maxLength(255)),
  password: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(1024)),
})
export type LoginInput = v.InferOutput<typeof LoginSchema>
