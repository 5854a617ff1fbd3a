import { Hono, type Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { LoginSchema } from '#schema'
import type { AppEnv, CallerEnv } from '../../env'
import { SESSION_COOKIE } from '../../middleware/auth'
import { login, logout } from '../../services/auth/login'
import { vJson } from '../../validate'

/** Resolves the client's address; the host decides which source it trusts (see app options). */
export type ClientAddress = (c: Context<AppEnv>) => string

// Browsers keep Secure cookies over plain http only on loopback; elsewhere only over https.
const secureCookie = (url: string) => {
  const u = new URL(url)
  return u.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
}

/** `login` needs no caller; it is mounted before authentication. */
export const loginRoute = (clientAddress: ClientAddress) =>
  new Hono<AppEnv>().post('/login', vJson(LoginSchema), async (c) => {
    const result = await login(c.var.deps, c.req.valid('json'), {
      clientAddress: clientAddress(c),
      userAgent: c.req.header('User-Agent') ?? null,
    })
    setCookie(c, SESSION_COOKIE, result.token, {
      httpOnly: true,
      secure: secureCookie(c.req.url),
      sameSite: 'Strict',
      path: '/',
      expires: new Date(result.expires_at),
    })
    return c.json(result)
  })

export const logoutRoute = new Hono<CallerEnv>().post('/logout', async (c) => {
  const result = await logout(c.var.deps, c.var.caller)
  deleteCookie(c, SESSION_COOKIE, { path: '/' })
  return c.json(result)
})
