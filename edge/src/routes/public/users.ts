import { Hono } from 'hono'
import {
  CreateUserSchema,
  DeleteUserSchema,
  EmptyBodySchema,
  GetUserSchema,
  SetPasswordSchema,
  TargetUserSchema,
  UpdateUserAttributesSchema,
  UpdateUserSchema,
} from '#schema'
import type { CallerEnv } from '../../env'
import { getLoginLink } from '../../services/auth/login-link'
import { getAttributes, updateAttributes } from '../../services/users/attributes'
import { setOwnPassword } from '../../services/users/password'
import { createUser, deleteUser, getUser, listUsers, logoutUser, updateUser } from '../../services/users/users'
import { vJson } from '../../validate'

const updateAttributesHandler = vJson(UpdateUserAttributesSchema)

export const usersApi = new Hono<CallerEnv>()
  .post('/get_users', vJson(EmptyBodySchema), async (c) => c.json(await listUsers(c.var.deps, c.var.caller)))
  .post('/get_user', vJson(GetUserSchema), async (c) => c.json(await getUser(c.var.deps, c.var.caller, c.req.valid('json').target_user)))
  .post('/create_user', vJson(CreateUserSchema), async (c) =>
    c.json(await createUser(c.var.deps, c.var.caller, c.req.valid('json').target_user)),
  )
  .post('/update_user', vJson(UpdateUserSchema), async (c) =>
    c.json(await updateUser(c.var.deps, c.var.caller, c.req.valid('json').target_user)),
  )
  .post('/delete_user', vJson(DeleteUserSchema), async (c) => {
    const { target_user, force } = c.req.valid('json')
    return c.json(await deleteUser(c.var.deps, c.var.caller, target_user.user_id, force))
  })
  .post('/logout_user', vJson(TargetUserSchema), async (c) =>
    c.json(await logoutUser(c.var.deps, c.var.caller, c.req.valid('json').target_user.user_id)),
  )
  .post('/get_attributes', vJson(TargetUserSchema), async (c) =>
    c.json(await getAttributes(c.var.deps, c.var.caller, c.req.valid('json').target_user.user_id)),
  )
  // Kasm documents both names for the same verb.
  .post('/update_user_attributes', updateAttributesHandler, async (c) =>
    c.json(await updateAttributes(c.var.deps, c.var.caller, c.req.valid('json').target_user_attributes)),
  )
  .post('/update_attributes', updateAttributesHandler, async (c) =>
    c.json(await updateAttributes(c.var.deps, c.var.caller, c.req.valid('json').target_user_attributes)),
  )
  .post('/get_login', vJson(TargetUserSchema), async (c) =>
    c.json(await getLoginLink(c.var.deps, c.var.caller, c.req.valid('json').target_user.user_id)),
  )
  .post('/set_password', vJson(SetPasswordSchema), async (c) => c.json(await setOwnPassword(c.var.deps, c.var.caller, c.req.valid('json'))))
