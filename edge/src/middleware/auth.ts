import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { CallerEnv } from '../env'
import { ApiError } from '../errors'
import { callerFromApiKey, callerFromSessionToken } from '../services/auth/caller'

export const SESSION_COOKIE = 'oriel_session'

/**
 * One authentication step for the ways to call the API: `api_key` + `api_key_secret` in the JSON
 * body, `Authorization: Bearer <token>`, the dashboard's cookie, or Kasm's UI form, `username` +
 * `token` (login's token) in the body. Sets `c.var.caller`, and enforces read-only API keys here,
 * apart from permissions, as Kasm does.
 */
export const authenticateCaller = createMiddleware<CallerEnv>(async function authenticateCaller(c, next) {
  const deps = c.var.deps
  const body = await readJsonBody(c.req)
  const key = body?.api_key
  const secret = body?.api_key_secret
  const bearer = c.req.header('Authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1]
  const basic = c.req.header('Authorization')?.match(/^Basic\s+(\S+)$/i)?.[1]
  const cookie = getCookie(c, SESSION_COOKIE)
  if (typeof key === 'string' || typeof secret === 'string') {
    if (typeof key !== 'string' || typeof secret !== 'string')
      throw new ApiError('unauthenticated', 'Both api_key and api_key_secret are required')
    c.set('caller', await callerFromApiKey(deps, key, secret))
  } else if (typeof body?.token === 'string' && typeof body.username === 'string') {
    c.set('caller', await callerFromSessionToken(deps, body.token, body.username))
  } else if (basic) {
    c.set('caller', await callerFromBasic(deps, basic))
  } else if (bearer) {
    c.set('caller', await callerFromSessionToken(deps, bearer))
  } else if (cookie) {
    c.set('caller', await callerFromSessionToken(deps, cookie))
  } else {
    throw new ApiError('unauthenticated', 'Authentication required: sign in or send api_key and api_key_secret')
  }
  const verb = c.req.path.split('/').pop() ?? ''
  if (c.var.caller.readOnly && !verb.startsWith('get_')) throw ApiError.forbidden('Unauthorized: this API key is read-only')
  await next()
})

/**
 * `Authorization: Basic base64(api_key:api_key_secret)`, as Kasm's next API takes a key. A 401 says
 * so in `WWW-Authenticate`, as HTTP asks of Basic.
 */
async function callerFromBasic(deps: CallerEnv['Variables']['deps'], encoded: string) {
  let pair: string
  try {
    pair = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(atob(encoded), (ch) => ch.charCodeAt(0)))
  } catch {
    pair = ''
  }
  const at = pair.indexOf(':')
  try {
    if (at < 1 || pair.includes('\u0000')) throw new ApiError('unauthenticated', 'Invalid API key or secret')
    return await callerFromApiKey(deps, pair.slice(0, at), pair.slice(at + 1))
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'unauthenticated') throw err
    throw new ApiError('unauthenticated', err.message, { authenticate: 'Basic realm="Oriel", charset="UTF-8"' })
  }
}

/** The parsed JSON body (cached by Hono for the validator), or null when there is none. */
async function readJsonBody(req: { header: (n: string) => string | undefined; json: () => Promise<unknown> }) {
  if (!req.header('Content-Type')?.toLowerCase().startsWith('application/json')) return null
  let parsed: unknown
  try {
    parsed = await req.json()
  } catch {
    throw ApiError.invalid('Malformed JSON in request body')
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null
}
