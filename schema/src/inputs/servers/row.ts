import * as v from 'valibot'
import { CONNECTION_TYPES, CREDENTIAL_TYPES, SERVER_CSV_COLUMNS, type ServerPoolType } from '../../server-types'
import { checkSshPrivateKey } from '../../servers/ssh-key'
import { combinationIssues } from './combinations'
import { connectionInfo, enumField, flag, hostname, integer, labels, optionalText, remembered, text, uuid } from './fields'
import { MSG, type RowIssue } from './messages'

/** What rows may refer to, fetched by the caller: zones by name, pools by id, users by username. */
export type ServerRowContext = {
  zones: ReadonlyMap<string, string>
  pools: ReadonlyMap<string, { type: ServerPoolType }>
  /** Keyed by lower-case username: usernames are unique without regard to case. */
  users: ReadonlyMap<string, string>
}

const exists = <T extends v.GenericSchema<unknown, string>>(schema: T, found: (key: string) => boolean, kind: string) =>
  v.pipe(
    schema,
    v.check(
      (key: string) => found(key),
      (issue) => MSG.missing(kind, issue.input),
    ),
  )

/** One server, in the seed's column order so issues come out in that order. Secrets are plain here. */
export const serverRowSchema = (ctx: ServerRowContext) =>
  v.pipe(
    v.object(
      {
        name: text(255),
        // Fields whose values repeat across an import are remembered; names, hosts and secrets are not.
        zone_name: remembered(exists(text(255), (n) => ctx.zones.has(n), 'Zone')),
        connection_type: remembered(enumField(CONNECTION_TYPES)),
        connection_credential_type: remembered(enumField(CREDENTIAL_TYPES)),
        ip_hostname: hostname,
        port: remembered(integer(0, 65_535)),
        pool_id: remembered(
          v.nullish(
            exists(uuid, (id) => ctx.pools.has(id), 'ServerPool'),
            null,
          ),
        ),
        assigned_username: remembered(
          v.nullish(
            exists(text(255), (u) => ctx.users.has(u.toLowerCase()), 'User'),
            null,
          ),
        ),
        windows_service_installed: remembered(flag),
        connection_username: remembered(optionalText(255)),
        connection_password: optionalText(1024),
        sso_username_domain: remembered(optionalText(255)),
        passphrase: optionalText(1024),
        private_key: optionalText(16_384),
        use_user_private_key: remembered(flag),
        connection_info: remembered(connectionInfo),
        max_simultaneous_sessions: remembered(v.nullish(integer(1, 10_000), 1)),
        max_simultaneous_users: remembered(v.nullish(integer(1, 10_000), 1)),
        labels: remembered(labels),
        // Not a CSV column: create_server and update_server may set it.
        enabled: v.nullish(flag, true),
      },
      MSG.required,
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return
      for (const { fields, message } of combinationIssues(dataset.value, ctx)) {
        // The joined field list is the key: the report names every field of a combination.
        addIssue({ message, path: [{ type: 'object', origin: 'value', input: dataset.value, key: fields.join(', '), value: undefined }] })
      }
    }),
  )
export type ServerRow = v.InferOutput<ReturnType<typeof serverRowSchema>>

const KNOWN = new Set<string>([...SERVER_CSV_COLUMNS, 'enabled'])

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
