import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { HTTPException } from 'hono/http-exception'

const STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
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
    readonly extra: { field?: string; issues?: Record<string, string[]>; retryAfterSeconds?: number } = {},
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

type ErrorLogger = { error: (msg: string, fields: Record<string, unknown>) => void }

/** Root `onError`: our errors as typed bodies, Hono's as 4xx, anything else as a logged 500 without details. */
export function handleError(err: Error, c: Context, log: ErrorLogger = console) {
  const request_id = (c.get('requestId') as string | undefined) ?? 'unknown'
  if (err instanceof ApiError) {
    const body: ErrorBody = { error_message: err.message, code: err.code, request_id, ...pickDefined(err.extra) }
    if (err.extra.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.extra.retryAfterSeconds))
    return c.json(body, err.status as ContentfulStatusCode)
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (for example a body that is not JSON): keep the status, use our body.
    const code = err.status === 401 ? 'unauthenticated' : err.status === 404 ? 'not_found' : 'bad_request'
    const message = err.status === 400 ? 'Malformed JSON in request body' : err.message || 'Bad request'
    return c.json({ error_message: message, code, request_id } satisfies ErrorBody, err.status as ContentfulStatusCode)
  }
  // Not the message: drizzle puts the failed query's parameters in it, which may hold a password hash.
  log.error('unhandled error', {
    request_id,
    name: err.name,
    pg_code: (err.cause as { code?: string } | undefined)?.code ?? (err as { code?: string }).code,
    frames: err.stack?.split('\n').slice(1, 8).map((l) => l.trim()),
  })
  return c.json({ error_message: 'Internal error', code: 'internal', request_id } satisfies ErrorBody, 500)
}

function pickDefined(extra: ApiError['extra']) {
  const out: { field?: string; issues?: Record<string, string[]> } = {}
  if (extra.field !== undefined) out.field = extra.field
  if (extra.issues !== undefined) out.issues = extra.issues
  return out
}
