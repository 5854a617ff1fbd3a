// How validation issues are worded (schema/src/inputs/issues.ts), once for the edge's 400 answers and
// the dashboard's forms: each rule in words, never the value that was sent.
import * as v from 'valibot'
import { expect, it } from 'vitest'
import { describeIssue, issuesByPath } from '#schema'

const SECRET = 'hunter2-секрет'
const issues = (schema: v.GenericSchema, input: unknown) => {
  const r = v.safeParse(schema, input)
  return r.success ? [] : r.issues
}

it('words each kind of rule, and never echoes what was sent', () => {
  const schema = v.strictObject({
    name: v.pipe(v.string(), v.minLength(1)),
    code: v.pipe(v.string(), v.maxLength(3)),
    tags: v.pipe(v.array(v.string()), v.minLength(2)),
    count: v.pipe(v.number(), v.integer(), v.minValue(1)),
    size: v.pipe(v.number(), v.maxValue(10)),
    site: v.pipe(v.string(), v.url()),
    owner: v.pipe(v.string(), v.uuid()),
    mail: v.pipe(v.string(), v.email()),
    slug: v.pipe(v.string(), v.regex(/^[a-z]+$/, 'must be lower-case letters')),
    flag: v.boolean(),
    needed: v.string(),
  })
  const found = issuesByPath(
    issues(schema, {
      name: '',
      code: SECRET,
      tags: [SECRET],
      count: 1.5,
      size: 11,
      site: SECRET,
      owner: SECRET,
      mail: SECRET,
      slug: SECRET,
      flag: SECRET,
      extra: SECRET,
    }),
  )
  expect(found).toEqual({
    name: ['must not be empty'],
    code: ['must have at most 3 characters'],
    tags: ['must have at least 2 items'],
    count: ['must be a whole number'],
    size: ['must be at most 10'],
    site: ['must be a URL'],
    owner: ['must be a UUID'],
    mail: ['must be an email address'],
    slug: ['must be lower-case letters'],
    flag: ['must be boolean'],
    needed: ['is required'],
    extra: ['is not a known field'],
  })
  expect(JSON.stringify(found)).not.toContain('hunter2')
  expect(JSON.stringify(found)).not.toContain('1.5')
})

it('keeps a rule’s own message', () => {
  const [issue] = issues(v.pipe(v.string(), v.minLength(8, 'must be at least 8 characters long')), 'short')
  expect(describeIssue(issue!)).toBe('must be at least 8 characters long')
})
