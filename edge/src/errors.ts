import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { HTTPException } from 'hono/http-exception'
import { errorFields, pgCode } from './log'

const STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>
export type ErrorCode = keyof typeof STATUS

/** Kasm clients read `error_message`; the rest is ours. Input values are never echoed back. */
export type ErrorBody = {
  error_message: string
  code: ErrorCode
  request_id: string
  field?: string
  issues?: Record<string, string[]>
}

/** The one error type the API throws on purpose. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; issues?: Record<string, string[]>; retryAfterSeconds?: number; authenticate?: string } = {},
  ) {
    super(STATUS[code], { message })
  }
  /** 403 with Kasm's own wording for a missing permission. */
  static forbidden = (message = 'Unauthorized') => new ApiError('forbidden', message)
  static notFound = (what: string, field?: string) => new ApiError('not_found', `${what} does not exist`, { field })
  static invalid = (message: string, field?: string, issues?: Record<string, string[]>) =>
    new ApiError('bad_request', message, { field, issues })
  static conflict = (message: string, field?: string) => new ApiError('conflict', message, { field })
}

type ErrorLogger = {
  error: (msg: string, fields: Record<string, unknown>) => void
  warn?: (msg: string, fields: Record<string, unknown>) => void
}

/** Seconds a client is told to wait before retrying when the database is out of reach. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

/**
 * What a Postgres error that escaped the services means to the caller. Input is checked before it
 * reaches a query, so these are a safety net: a value Postgres still refuses is the caller's 400,
 * a lost connection or an overloaded server is 503 with Retry-After, never a 500.
 */
export function errorForPgCode(code: string | undefined): ApiError | null {
  if (!code) return null
  const cls = code.slice(0, 2)
  // 22: data exception (bad encoding, out of range, too long); 54: program limit (too complex).
  if (cls === '22' || cls === '54') return ApiError.invalid('Invalid input: a value is malformed or out of range')
  if (code === '23505') return ApiError.conflict('This already exists')
  if (code === '23503' || code === '23001') return ApiError.conflict('This refers to something that does not exist, or is still in use')
  // 08: connection; 53: insufficient resources; 57P0x: shutdown; 40: serialization failure or deadlock.
  if (cls === '08' || cls === '53' || cls === '40' || code.startsWith('57P')) {
    return new ApiError('unavailable', 'The database is unreachable or busy; try again shortly', {
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    })
  }
  return null
}

/** Socket-level failures of a database driver (no SQLSTATE): the database is out of reach. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])
/**
 * What node-postgres, Neon's driver (a fork of it) and PGlite throw, without a code, when the
 * connection is lost, cannot be made in time, or the handle is shut: measured by restarting and
 * stopping a real Postgres under load. A transaction whose connection died reports its rollback's
 * "not queryable" instead of the first error.
 */
const CONNECTION_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Query read timeout|Cannot use a pool after calling end|PGlite is closed)/
export function databaseUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown }
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true
  }
  return false
}

/** Root `onError`: our errors as typed bodies, Hono's as 4xx, database failures as 400/409/503, anything else as a logged 500 without details. */
export function handleError(err: Error, c: Context, log: ErrorLogger = console) {
  const request_id = (c.get('requestId') as string | undefined) ?? 'unknown'
  if (err instanceof ApiError) return apiErrorResponse(err, c, request_id)
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (for example a body that is not JSON): keep the status, use our body.
    const code =
      err.status === 401 ? 'unauthenticated' : err.status === 404 ? 'not_found' : err.status === 413 ? 'too_large' : 'bad_request'
    const message = err.status === 400 ? 'Malformed JSON in request body' : err.message || 'Bad request'
    return c.json({ error_message: message, code, request_id } satisfies ErrorBody, err.status as ContentfulStatusCode)
  }
  // Never the message: drizzle puts the failed query's parameters in it (see errorFields).
  const fields = { request_id, ...errorFields(err) }
  const mapped = errorForPgCode(pgCode(err)) ?? (databaseUnreachable(err) ? errorForPgCode('08006') : null)
  if (mapped) {
    ;(log.warn ?? log.error)('database refused a request', fields)
    return apiErrorResponse(mapped, c, request_id)
  }
  log.error('unhandled error', fields)
  return c.json({ error_message: 'Internal error', code: 'internal', request_id } satisfies ErrorBody, 500)
}

function apiErrorResponse(err: ApiError, c: Context, request_id: string) {
  const body: ErrorBody = { error_message: err.message, code: err.code, request_id, ...pickDefined(err.extra) }
  if (err.extra.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.extra.retryAfterSeconds))
  if (err.extra.authenticate !== undefined) c.header('WWW-Authenticate', err.extra.authenticate)
  return c.json(body, err.status as ContentfulStatusCode)
}

function pickDefined(extra: ApiError['extra']) {
  const out: { field?: string; issues?: Record<string, string[]> } = {}
  if (extra.field !== undefined) out.field = extra.field
  if (extra.issues !== undefined) out.issues = extra.issues
  return out
}
