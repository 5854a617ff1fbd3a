import { vValidator } from '@hono/valibot-validator'
import * as v from 'valibot'
import { ApiError } from './errors'

/** Turns valibot issues into `{ "target_user.username": ["must not be empty"] }`, never echoing input. */
export function issuesByField(issues: readonly v.BaseIssue<unknown>[]): Record<string, string[]> {
  // A Map, not an object: a client's key may be named `constructor` or `__proto__`.
  const out = new Map<string, string[]>()
  for (const issue of issues) {
    const path = fieldPath(issue)
    const list = out.get(path) ?? []
    list.push(describe(issue))
    out.set(path, list)
  }
  return Object.fromEntries(out)
}

/** Longest field path echoed back: a client's own key names, cut so a huge key cannot bloat the answer. */
const MAX_PATH_CHARS = 200

function fieldPath(issue: v.BaseIssue<unknown>): string {
  // getDotPath gives up on non-string keys; an unknown key's issue carries the key as the last item.
  const path = v.getDotPath(issue) ?? issue.path?.map((p) => String(p.key)).join('.') ?? ''
  if (path === '') return '(body)'
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS)}…` : path
}

function describe(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === 'schema' && issue.expected === 'never') return 'is not a known field'
  if (issue.kind === 'schema' && issue.received === 'undefined') return 'is required'
  if (issue.kind === 'schema') return `must be ${issue.expected ?? 'valid'}`
  return issue.message
}

/** The error every invalid body gets: the first field named in the message, all of them in `issues`. */
export function invalidInput(issues: readonly v.BaseIssue<unknown>[]): ApiError {
  const byField = issuesByField(issues)
  const [field, messages] = Object.entries(byField)[0] ?? ['(body)', ['is invalid']]
  return ApiError.invalid(`Invalid ${field}: ${messages[0]}`, field, byField)
}

/** JSON body validation with our error shape (never the validator's default, which echoes input). */
export const vJson = <S extends v.GenericSchema>(schema: S) =>
  vValidator('json', schema, (result) => {
    if (!result.success) throw invalidInput(result.issues)
  })

/** Validates a value that did not come through a route (for example one group setting). */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, value: unknown, field: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value)
  if (result.success) return result.output
  const first = result.issues[0]
  const sub = first ? v.getDotPath(first) : null
  const name = sub ? `${field}.${sub}` : field
  throw ApiError.invalid(`Invalid ${name}: ${first ? describe(first) : 'is invalid'}`, name)
}
