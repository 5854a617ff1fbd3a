import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'

/** Bodies larger than this are refused before they are read (413). */
export const MAX_BODY_BYTES = 1024 * 1024
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
      if (keys.length >= MAX_JSON_DEPTH)
        return { path: pathOf(keys.slice(0, 8)), problem: `is nested too deeply (more than ${MAX_JSON_DEPTH} levels)` }
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

/** Reads a body without a declared length, giving up as soon as it passes `limit` bytes. */
async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/**
 * Before any verb runs (login included): bounds the body's size (declared, or counted as it is read),
 * and refuses a JSON body holding a value no verb can take, naming the field. Later steps parse the
 * same text, from Hono's body cache. `largerBodies`: verbs that take more than MAX_BODY_BYTES, by the
 * last segment of their path.
 */
export const checkRequestBody = (largerBodies: Readonly<Record<string, number>> = {}) =>
  createMiddleware<AppEnv>(async function checkRequestBody(c, next) {
    const verb = c.req.path.slice(c.req.path.lastIndexOf('/') + 1)
    const limit = Object.hasOwn(largerBodies, verb) ? largerBodies[verb]! : MAX_BODY_BYTES
    const json = c.req.header('Content-Type')?.toLowerCase().startsWith('application/json') ?? false
    const declared = c.req.header('Content-Length')
    if (declared !== undefined) {
      if (!(Number(declared) <= limit)) throw tooLarge(limit)
    } else if (c.req.raw.body) {
      // Read here, bounded, and kept where HonoRequest's json()/text()/arrayBuffer() look first: JSON as
      // text, anything else as the bytes themselves (the CSV import checks them for UTF-8 by line).
      // (Hono types the cache by the resolved values, but holds and awaits promises.)
      const bytes = await readLimited(c.req.raw.body, limit)
      const cache = c.req.bodyCache as Record<string, Promise<unknown>>
      if (json) cache.text = Promise.resolve(new TextDecoder().decode(bytes))
      else cache.arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
    }
    if (json) {
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
