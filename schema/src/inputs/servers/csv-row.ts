import * as v from 'valibot'
import { recallerOf } from './fields'
import { MSG, type RowIssue } from './messages'
import type { RowResult, serverRowSchema } from './row'

type RowSchema = ReturnType<typeof serverRowSchema>
type Dataset = { typed: boolean; value: unknown; issues?: readonly v.BaseIssue<unknown>[] }
type Run = (dataset: { value: unknown }, config: v.Config<v.BaseIssue<unknown>>) => Dataset

/**
 * checkServerRow for a file's records, which all share one header: the same schemas, run field by
 * field straight from the record (empty fields as null) with no input object, and remembered
 * fields answer from their memory without a dataset each. An import runs this 10,000 times a
 * request; a test holds its answers equal to checkServerRow's.
 */
export function csvRowChecker(schema: RowSchema, header: readonly string[]): (fields: readonly string[]) => RowResult {
  const [object, ...rest] = schema.pipe
  const config = v.getGlobalConfig()
  const plan = Object.entries(object.entries as Record<string, v.GenericSchema & { default?: unknown }>).map(([key, entry]) => {
    const optional = entry.type === 'nullish' || entry.type === 'optional' || entry.type === 'exact_optional'
    return {
      key,
      at: header.indexOf(key),
      run: entry['~run'].bind(entry) as Run,
      recall: recallerOf(entry),
      // valibot's object gives an absent optional field its default, and runs the field on it.
      absent: optional && entry.default !== undefined ? { value: v.getDefault(entry) } : null,
    }
  })
  // Rows are copies of one object with every field already in place: adding 19 fields one by one
  // to an empty object would regrow its storage several times a row.
  const shape: Record<string, unknown> = Object.fromEntries(plan.map(({ key }) => [key, undefined]))
  return (fields) => {
    const value = { ...shape }
    let issues: RowIssue[] | null = null
    let typed = true
    for (const { key, at, run, recall, absent } of plan) {
      let input: unknown
      if (at >= 0 && at < fields.length) input = fields[at] === '' ? null : fields[at]
      else if (absent) input = absent.value
      else {
        ;(issues ??= []).push({ fields: [key], message: MSG.required })
        typed = false
        continue
      }
      const out = recall && (typeof input !== 'object' || input === null) ? recall(input, config) : run({ value: input }, config)
      if (out.issues) for (const issue of out.issues) (issues ??= []).push({ fields: [key], message: issue.message })
      if (!out.typed) typed = false
      value[key] = out.value
    }
    // The row-wide checks (combinations), as valibot's pipe runs them after the object.
    let dataset: Dataset = { typed, value }
    for (const item of rest) {
      const kind: string = item.kind
      if (issues && (kind === 'schema' || kind === 'transformation')) break
      dataset = (item['~run'] as unknown as Run)(dataset as never, config)
    }
    for (const issue of dataset.issues ?? [])
      (issues ??= []).push({ fields: String(issue.path?.[0]?.key ?? 'row').split(', '), message: issue.message })
    return issues ? { ok: false, issues } : { ok: true, value: value as never }
  }
}
