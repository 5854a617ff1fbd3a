import * as v from 'valibot'

// How a validation issue is worded, once: the edge's 400 answers and the dashboard's forms say the
// same thing for the same input, since both run the same schemas.

/** Longest field path echoed back: a client's own key names, cut so a huge key cannot bloat the answer. */
const MAX_PATH_CHARS = 200

/** The issue's field as a dot path (`target_user.username`), or `(body)` for the input as a whole. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  // getDotPath gives up on non-string keys; an unknown key's issue carries the key as the last item.
  const path = v.getDotPath(issue) ?? issue.path?.map((p) => String(p.key)).join('.') ?? ''
  if (path === '') return '(body)'
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS)}…` : path
}

/** valibot's own wording ("Invalid length: Expected >=1 but received 0"), which names what was received. */
const VALIBOT_DEFAULT = /^Invalid [\w ]+: (Expected|Received) /

/** A check's rule in words, from the check's type and requirement (for checks without a message of their own). */
function ruleWords(issue: v.BaseIssue<unknown>): string {
  const req = (issue as { requirement?: unknown }).requirement
  const unit = typeof issue.input === 'string' ? 'characters' : 'items'
  switch (issue.type) {
    case 'min_length':
      return req === 1 ? 'must not be empty' : `must have at least ${String(req)} ${unit}`
    case 'max_length':
      return `must have at most ${String(req)} ${unit}`
    case 'min_value':
      return `must be at least ${String(req)}`
    case 'max_value':
      return `must be at most ${String(req)}`
    case 'integer':
      return 'must be a whole number'
    case 'url':
      return 'must be a URL'
    case 'uuid':
      return 'must be a UUID'
    case 'email':
      return 'must be an email address'
    default:
      return 'is not valid'
  }
}

/**
 * What is wrong, never echoing the input: "is required", "must be string", the check's rule in
 * words, or the schema's own message.
 */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === 'schema' && issue.expected === 'never') return 'is not a known field'
  if (issue.kind === 'schema' && issue.received === 'undefined') return 'is required'
  if (issue.kind === 'schema') return `must be ${issue.expected ?? 'valid'}`
  return VALIBOT_DEFAULT.test(issue.message) ? ruleWords(issue) : issue.message
}

/** Issues by field path (the edge's `issues`), `{ "target_user.username": ["must not be empty"] }`, in the order found. */
export function issuesByPath(issues: readonly v.BaseIssue<unknown>[]): Record<string, string[]> {
  // A Map, not an object: a client's key may be named `constructor` or `__proto__`.
  const out = new Map<string, string[]>()
  for (const issue of issues) {
    const path = issuePath(issue)
    const list = out.get(path) ?? []
    list.push(describeIssue(issue))
    out.set(path, list)
  }
  return Object.fromEntries(out)
}
