import { vValidator } from '@hono/valibot-validator'
import * as v from 'valibot'
import { ApiError } from './errors'

/** Turns valibot issues into `{ "target_user.username": ["must not be empty"] }`, never echoing input. */
export function issuesByField(issues: readonly v.BaseIssue<unknown>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const issue of issues) {
    const path = v.getDotPath(issue) ?? unknownKeyPath(issue) ?? '(body)'
    ;(out[path] ??= []).push(describe(issue))
  }
  return out
}

// strictObject reports an unknown key with the key as the last path item's `key`.
function unknownKeyPath(issue: v.BaseIssue<unknown>): string | null {
  const keys = issue.path?.map((p) => String(p.key))
  return keys && keys.length > 0 ? keys.join('.') : null
}

function describe(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' || (issue.kind === 'schema' && issue.expected === 'never')) return 'is not a known field'
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
