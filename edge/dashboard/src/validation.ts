import * as v from 'valibot'
import { describeIssue } from '#schema/contracts'

/** First problem per field, worded as the edge words it (same schemas and describeIssue, from #schema/contracts). */
export function fieldErrors(schema: v.GenericSchema, value: unknown, prefix: string): Record<string, string> {
  const r = v.safeParse(schema, value)
  if (r.success) return {}
  const out: Record<string, string> = {}
  for (const issue of r.issues) {
    const path = v.getDotPath(issue)?.replace(`${prefix}.`, '') ?? '(form)'
    out[path] ??= describeIssue(issue)
  }
  return out
}
