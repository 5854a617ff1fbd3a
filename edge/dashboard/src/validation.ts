import * as v from 'valibot'

/** First problem per field, as the edge would word it (same schemas, from schema/src/inputs). */
export function fieldErrors(schema: v.GenericSchema, value: unknown, prefix: string): Record<string, string> {
  const r = v.safeParse(schema, value)
  if (r.success) return {}
  const out: Record<string, string> = {}
  for (const issue of r.issues) {
    const path = v.getDotPath(issue)?.replace(`${prefix}.`, '') ?? '(form)'
    out[path] ??= issue.message.startsWith('Invalid ') ? 'is required or invalid' : issue.message
  }
  return out
}
