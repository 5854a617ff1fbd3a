import * as v from 'valibot'
import { SERVER_FIELDS, SERVER_INPUT_FIELDS, type ServerField, type ServerPoolType } from '../../server-types'
import { checkSshPrivateKey } from '../../servers/ssh-key'
import { combinationIssues } from './combinations'
import { MSG, type RowIssue } from './messages'

/** What rows may refer to, fetched by the caller: zones by name, pools by id, users by username. */
export type ServerRowContext = {
  zones: ReadonlyMap<string, string>
  pools: ReadonlyMap<string, { type: ServerPoolType }>
  /** Keyed by lower-case username: usernames are unique without regard to case. */
  users: ReadonlyMap<string, string>
}

type Rules = { [K in ServerField]: ReturnType<(typeof SERVER_FIELDS)[K]['rule']> }
/** A checked server: every field, typed as its rule gives it. Secrets are plain here. */
export type ServerRow = { [K in ServerField]: v.InferOutput<Rules[K]> }

/** One server, in the seed's column order so issues come out in that order: each field's rule from the catalogue. */
export const serverRowSchema = (ctx: ServerRowContext) =>
  v.pipe(
    v.object(Object.fromEntries(SERVER_INPUT_FIELDS.map((k) => [k, SERVER_FIELDS[k].rule(ctx)])) as Rules, MSG.required),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return
      for (const { fields, message } of combinationIssues(dataset.value as ServerRow, ctx)) {
        // The joined field list is the key: the report names every field of a combination.
        addIssue({ message, path: [{ type: 'object', origin: 'value', input: dataset.value, key: fields.join(', '), value: undefined }] })
      }
    }),
  )

const KNOWN: ReadonlySet<string> = new Set(SERVER_INPUT_FIELDS)

/** Blank text is null (Kasm's docs: Servers, CSV Formatting: empty and `""` fields are null). */
export function blankToNull(raw: Record<string, unknown>): Record<string, unknown> {
  let blank = false
  for (const k in raw) if (raw[k] === '') blank = true
  if (!blank) return raw
  const out: Record<string, unknown> = {}
  for (const k in raw) out[k] = raw[k] === '' ? null : raw[k]
  return out
}

export type RowResult = { ok: true; value: ServerRow } | { ok: false; issues: RowIssue[] }

/**
 * The synchronous rules: problems field by field in column order, then combinations. A valid row
 * with a private key still needs `withKeyCheck`; `validateServerRow` does both.
 */
export function checkServerRow(
  schema: ReturnType<typeof serverRowSchema>,
  raw: Record<string, unknown>,
  allowed: ReadonlySet<string> = KNOWN,
): RowResult {
  // Allocation-light on purpose: an import runs this 10,000 times in one request.
  let issues: RowIssue[] | null = null
  for (const k in raw) if (!allowed.has(k)) (issues ??= []).push({ fields: [k], message: MSG.unknownField })
  const result = v.safeParse(schema, blankToNull(raw))
  if (!result.success) {
    issues ??= []
    for (const issue of result.issues) issues.push({ fields: String(issue.path?.[0]?.key ?? 'row').split(', '), message: issue.message })
  }
  if (issues) return { ok: false, issues }
  return { ok: true, value: result.output as ServerRow }
}

/** Adds the private key's check (format, size, passphrase) to a row that passed the others. */
export async function withKeyCheck(result: RowResult): Promise<RowResult> {
  if (!result.ok || !result.value.private_key) return result
  const keyIssue = await privateKeyIssue(result.value)
  return keyIssue ? { ok: false, issues: [keyIssue] } : result
}

/** Every rule, the key included. */
export const validateServerRow = (
  schema: ReturnType<typeof serverRowSchema>,
  raw: Record<string, unknown>,
  allowed: ReadonlySet<string> = KNOWN,
) => withKeyCheck(checkServerRow(schema, raw, allowed))

async function privateKeyIssue(row: ServerRow): Promise<RowIssue | null> {
  if (!row.private_key) return null
  const check = await checkSshPrivateKey(row.private_key, row.passphrase)
  if (check.ok) return null
  const onPassphrase = check.problem.startsWith('passphrase')
  return onPassphrase
    ? { fields: ['passphrase'], message: `Invalid passphrase [${check.message}]` }
    : { fields: ['private_key'], message: `Invalid private key [${check.message}]` }
}
