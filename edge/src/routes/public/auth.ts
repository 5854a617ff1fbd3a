import { Hono, type Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { LoginLinkSchema, LoginSchema, SessionTokenLoginSchema } from '#schema'
import * as v from 'valibot'
import type { AppEnv, CallerEnv } from '../../env'
import { SESSION_COOKIE } from '../../middleware/auth'
import { ApiError } from '../../errors'
import { login, loginWithLink, loginWithSessionToken, logout } from '../../services/auth/login'
import { invalidInput } from '../../validate'

/** Resolves the client's address; the host decides which source it trusts (see app options). */
export type ClientAddress = (c: Context<AppEnv>) => string
/** Whether the client reached the edge over https, through any proxy the host trusts. */
export type ClientHttps = (c: Context<AppEnv>) => boolean

/** How the host tells `login` who is calling, and how it waits (see `AppOptions`). */
export type SignInOptions = {
  clientAddress: ClientAddress
  clientHttps?: ClientHttps
  wait?: (ms: number) => Promise<void>
}

/** The request URL's own scheme: right on Workers (Cloudflare terminates TLS) and for a Node serving TLS itself. */
export const urlIsHttps: ClientHttps = (c) => new URL(c.req.url).protocol === 'https:'

/** A real timer; on Workers too, where a pending timer keeps the request alive without using CPU time. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

// Browsers keep Secure cookies over plain http only on loopback; elsewhere only over https.
const isLoopbackHost = (url: string) => ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname)

/** `login` needs no caller; it is mounted before authentication. */
export const loginRoute = ({ clientAddress, clientHttps = urlIsHttps, wait = sleep }: SignInOptions) =>
  new Hono<AppEnv>().post('/login', async (c) => {
    const ctx = { clientAddress: clientAddress(c), userAgent: c.req.header('User-Agent') ?? null, wait }
    // One verb, three ways in: a username and password, a session's deep-link token, or a get_login link.
    const raw = await readJson(c)
    const has = (key: string) => raw !== null && typeof raw === 'object' && key in raw
    const result = has('session_token')
      ? await loginWithSessionToken(c.var.deps, parseOrThrowBody(SessionTokenLoginSchema, raw), ctx)
      : has('login_token')
        ? await loginWithLink(c.var.deps, parseOrThrowBody(LoginLinkSchema, raw), ctx)
        : await login(c.var.deps, parseOrThrowBody(LoginSchema, raw), ctx)
    setCookie(c, SESSION_COOKIE, result.token, {
      httpOnly: true,
      secure: clientHttps(c) || isLoopbackHost(c.req.url),
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

async function readJson(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json()
  } catch {
    throw ApiError.invalid('Malformed JSON in request body')
  }
}

function parseOrThrowBody<S extends v.GenericSchema>(schema: S, raw: unknown): v.InferOutput<S> {
  const r = v.safeParse(schema, raw)
  if (!r.success) throw invalidInput(r.issues)
  return r.output
}
