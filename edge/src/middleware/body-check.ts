import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'

/** Bodies larger than this are refused before they are read (413). */
export const MAX_BODY_BYTES = 1024 * 1024
/** The server import takes a file of up to 10,000 records (seed 004), a few MB; this leaves room. */
export const MAX_IMPORT_BODY_BYTES = 32 * 1024 * 1024
/** Deeper JSON than any verb takes: a request nested past it is refused rather than walked. */
export const MAX_JSON_DEPTH = 32

export type BadValue = { path: string; problem: string }

const MAX_PATH_CHARS = 200
const pathOf = (keys: readonly (string | number)[]) => {
  const p = keys.length === 0 ? '(body)' : keys.join('.')
  return p.length > MAX_PATH_CHARS ? `${p.slice(0, MAX_PATH_CHARS)}…` : p
}

// ES2024's String#isWellFormed (Node 20, workerd); the project's lib setting is ES2023.
type WellFormedString = string & { isWellFormed(): boolean }

/** Why a text cannot be stored: Postgres refuses NUL, and a lone surrogate is not Unicode. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain a NUL character (\\u0000)'
  if (!(s as WellFormedString).isWellFormed()) return 'must be valid Unicode text (it has a lone surrogate)'
  return null
}

/**
 * The first value in a parsed JSON body that no verb can take, whatever its schema: text Postgres
 * refuses (in a value or a key), a number JSON.parse could not hold (1e400 becomes Infinity), or
 * nesting deeper than MAX_JSON_DEPTH. Iterative, so a hostile depth cannot overflow the stack.
 */
export function findBadValue(root: unknown): BadValue | null {
  const stack: { value: unknown; keys: (string | number)[] }[] = [{ value: root, keys: [] }]
  while (stack.length > 0) {
    const { value, keys } = stack.pop()!
    if (typeof value === 'string') {
      const problem = textProblem(value)
      if (problem) return { path: pathOf(keys), problem }
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path: pathOf(keys), problem: 'must be a finite number' }
    } else if (value !== null && typeof value === 'object') {
      if (keys.length >= MAX_JSON_DEPTH) return { path: pathOf(keys.slice(0, 8)), problem: `is nested too deeply (more than ${MAX_JSON_DEPTH} levels)` }
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], keys: [...keys, i] })
      } else {
        for (const key of Object.keys(value)) {
          const problem = textProblem(key)
          if (problem) return { path: pathOf(keys), problem: `has a field name that ${problem}` }
          stack.push({ value: (value as Record<string, unknown>)[key], keys: [...keys, key] })
        }
      }
    }
  }
  return null
}

const tooLarge = (limit: number) => new ApiError('too_large', `The request body is too large (at most ${limit} bytes)`)
const limitTo = (limit: number) =>
  bodyLimit({
    maxSize: limit,
    onError: () => {
      throw tooLarge(limit)
    },
  })
const generalLimit = limitTo(MAX_BODY_BYTES)
const importLimit = limitTo(MAX_IMPORT_BODY_BYTES)

/**
 * Before any verb runs (login included): bounds the body's size (declared or streamed), and refuses a
 * JSON body holding a value no verb can take, naming the field. Later steps parse the same text.
 */
export const checkRequestBody = createMiddleware<AppEnv>(async function checkRequestBody(c, next) {
  const limit = c.req.path.endsWith('/batch_create_server') ? importLimit : generalLimit
  return limit(c, async () => {
    if (c.req.header('Content-Type')?.toLowerCase().startsWith('application/json')) {
      let parsed: unknown
      try {
        parsed = await c.req.json()
      } catch {
        throw ApiError.invalid('Malformed JSON in request body')
      }
      const bad = findBadValue(parsed)
      if (bad) throw ApiError.invalid(`Invalid ${bad.path}: ${bad.problem}`, bad.path)
    }
    await next()
  })
})
