import { decodeJwt } from 'jose'
import { EdgeError, type Logger } from '#daemon-kit'
import { PROXY_PROTOCOLS, type ConnectClaims, type ProxyConnectAnswer } from '#schema'
import type { Display } from './guac-session'

/** The browser's path: `/guac/connect?token=<jwt>&width=&height=&dpi=`. */
export const CONNECT_PATH = '/guac/connect'
const DEFAULT_DISPLAY: Display = { width: 1024, height: 768, dpi: 96 }
const LIMITS = { width: [1, 8192], height: [1, 8192], dpi: [48, 600] } as const
/** ProxyConnectSchema's limit: a longer token is not one the edge made. */
const MAX_TOKEN_CHARS = 4096

export type AdmissionOptions = {
  /** Checks a connect token offline: signature, issuer, audience (this proxy), expiry, type. */
  verify: (token: string) => Promise<ConnectClaims | null>
  /** Exchanges the token with the edge for the connection (the edge redeems each token once). */
  redeem: (token: string) => Promise<ProxyConnectAnswer>
  log: Logger
  now?: () => number
}
export type Admission = { ok: true; answer: ProxyConnectAnswer; display: Display } | { ok: false; status: number }

const refuse = (status: number): Admission => ({ ok: false, status })

/** A display size from the query: absent is the default, digits are clamped to the limits, anything else is refused. */
function dimension(raw: string[], name: keyof typeof LIMITS): number | null {
  if (raw.length === 0 || raw[0] === '') return raw.length > 1 ? null : DEFAULT_DISPLAY[name]
  if (raw.length > 1 || !/^\d{1,6}$/.test(raw[0]!)) return null
  const [min, max] = LIMITS[name]
  return Math.min(max, Math.max(min, Number(raw[0])))
}

/** The request's token and display size, or the HTTP status that refuses it. */
export function readConnectUrl(url: string | undefined): { token: string; display: Display } | { status: number } {
  let parsed: URL
  try {
    parsed = new URL(url ?? '', 'http://proxy')
  } catch {
    return { status: 400 }
  }
  if (parsed.pathname !== CONNECT_PATH) return { status: 404 }
  const q = parsed.searchParams
  const tokens = q.getAll('token')
  if (tokens.length !== 1 || !tokens[0] || tokens[0].length > MAX_TOKEN_CHARS) return { status: 401 }
  const width = dimension(q.getAll('width'), 'width')
  const height = dimension(q.getAll('height'), 'height')
  const dpi = dimension(q.getAll('dpi'), 'dpi')
  if (width === null || height === null || dpi === null) return { status: 400 }
  return { token: tokens[0], display: { width, height, dpi } }
}

/**
 * Decides a connect request before any WebSocket or guacd exists (guacamole-lite opened guacd even
 * for refused tokens, D1/D2): the token checked offline, a replay refused locally, then redeemed with
 * the edge. Never throws: whatever goes wrong is a status.
 */
export function createAdmission(o: AdmissionOptions) {
  const now = o.now ?? Date.now
  // One-time ids seen by this worker, until their token expires: a replay is refused without asking the edge,
  // which enforces single use for the whole fleet anyway.
  const seen = new Map<string, number>()
  const remember = (jti: string, expiresAtMs: number) => {
    const t = now()
    for (const [id, exp] of seen) if (exp <= t) seen.delete(id)
    seen.set(jti, expiresAtMs)
  }

  return async function admit(url: string | undefined): Promise<Admission> {
    try {
      const request = readConnectUrl(url)
      if ('status' in request) return refuse(request.status)
      const claims = await o.verify(request.token)
      if (!claims) return refuse(401)
      if (seen.has(claims.jti)) return refuse(401)
      // verify() passed, so the token decodes and carries `exp` (jose checked it).
      remember(claims.jti, (decodeJwt(request.token).exp ?? 0) * 1000)
      let answer: ProxyConnectAnswer
      try {
        answer = await o.redeem(request.token)
      } catch (err) {
        if (err instanceof EdgeError && err.status >= 400 && err.status < 500) return refuse(err.status)
        o.log.warn('connect token redemption failed', { kasm_id: claims.kasm_id, error: (err as Error).message })
        return refuse(502)
      }
      if (
        answer.kasm_id !== claims.kasm_id ||
        !PROXY_PROTOCOLS.includes(answer.protocol) ||
        (answer.protocol === 'kasmvnc' && !answer.kasmvnc)
      ) {
        o.log.error('the edge answered a connect token with another session or no target', { kasm_id: claims.kasm_id })
        return refuse(502)
      }
      return { ok: true, answer, display: request.display }
    } catch (err) {
      o.log.error('connect request failed', { error: String(err) })
      return refuse(500)
    }
  }
}
