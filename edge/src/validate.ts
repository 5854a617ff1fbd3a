import { vValidator } from '@hono/valibot-validator'
import * as v from 'valibot'
import { describeIssue, issuesByPath } from '#schema'
import { ApiError } from './errors'

/**
 * The error every invalid body gets: the first field named in the message, all of them in `issues`,
 * worded by schema/src/inputs/issues.ts, as the dashboard words them.
 */
export function invalidInput(issues: readonly v.BaseIssue<unknown>[]): ApiError {
  const byField = issuesByPath(issues)
  const [field, messages] = Object.entries(byField)[0] ?? ['(body)', ['is invalid']]
  return ApiError.invalid(`Invalid ${field}: ${messages[0]}`, field, byField)
}

/** Each route's body schema, by its validating middleware: the OpenAPI document is built from them (openapi.ts). */
export const bodySchemas = new WeakMap<object, v.GenericSchema>()

/** JSON body validation with our error shape (never the validator's default, which echoes input). */
export const vJson = <S extends v.GenericSchema>(schema: S) => {
  const middleware = vValidator('json', schema, (result) => {
    if (!result.success) throw invalidInput(result.issues)
  })
  bodySchemas.set(middleware, schema)
  return middleware
}

/** Validates a value that did not come through a route (for example one group setting). */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, value: unknown, field: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value)
  if (result.success) return result.output
  const first = result.issues[0]
  const sub = first ? v.getDotPath(first) : null
  const name = sub ? `${field}.${sub}` : field
  throw ApiError.invalid(`Invalid ${name}: ${first ? describeIssue(first) : 'is invalid'}`, name)
}
