import { formatIssues, SERVER_CSV_COLUMNS, serverRowSchema, validateServerRow, type RowIssue, type ServerRow } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { isForeignKeyViolation } from '../ids'
import { loadServerRefs } from './context'
import { errorReportCsv, MAX_IMPORT_RECORDS, parseServerCsv, type ServerCsv } from './csv'
import { insertServers, toServers } from './store'
import { serverView, type ServerView } from './view'

export type BatchInput = { csv: string } | { servers: Record<string, unknown>[] }
export type BatchFailure = { error_message: string; rows: { row: number; issues: string }[]; error_report_csv: string }
export type BatchResult = { ok: true; servers: ServerView[] } | ({ ok: false } & BatchFailure)

const CSV_COLUMNS = new Set<string>(SERVER_CSV_COLUMNS)

/**
 * Seed 004's bulk import: every row checked with the same rules as create_server, then all
 * inserted in one transaction, or none when any row has a problem.
 */
export async function batchCreateServers(deps: Deps, caller: Caller, input: BatchInput): Promise<BatchResult> {
  authorize(caller, 'servers_create')
  const csv = 'csv' in input ? parseServerCsv(input.csv) : null
  const raws = 'servers' in input ? input.servers : csv!.records.map((r) => r.values)
  if (raws.length > MAX_IMPORT_RECORDS) throw ApiError.invalid(`At most ${MAX_IMPORT_RECORDS.toLocaleString('en-US')} servers may be imported at a time`, 'servers')

  const refs = await loadServerRefs(deps.db, raws)
  const schema = serverRowSchema(refs)
  const valid: ServerRow[] = []
  const failed = new Map<number, string>()
  for (const [i, raw] of raws.entries()) {
    const result = await validateServerRow(schema, raw, CSV_COLUMNS)
    const issues: RowIssue[] = [...(csv?.records[i]!.issues ?? []), ...(result.ok ? [] : result.issues)]
    if (issues.length > 0) failed.set(i + 1, formatIssues(issues))
    else if (result.ok) valid.push(result.value)
  }
  if (failed.size > 0) return { ok: false, ...failure(csv ?? asCsv(raws), failed) }

  const rows = await toServers(deps.config.secretKeys, valid, refs, deps.clock.now())
  try {
    await deps.db.transaction(async (tx) => {
      await insertServers(tx, rows)
      await audit(tx, caller, 'batch_create_server', null, { count: rows.length })
    })
  } catch (err) {
    // A zone, pool or user deleted between the check and the insert: nothing was imported.
    if (isForeignKeyViolation(err)) throw ApiError.conflict('A zone, pool or user the file refers to was deleted during the import; nothing was imported')
    throw err
  }
  const zoneNames = new Map([...refs.zones].map(([name, id]) => [id, name]))
  const servers = rows.map((s) => serverView(s, {
    zoneName: zoneNames.get(s.zoneId) ?? '',
    poolName: s.poolId === null ? null : (refs.poolNames.get(s.poolId) ?? null),
    username: s.assignedUserId === null ? null : (refs.usernames.get(s.assignedUserId) ?? null),
  }))
  return { ok: true, servers }
}

function failure(csv: ServerCsv, failed: ReadonlyMap<number, string>): BatchFailure {
  const n = failed.size
  return {
    error_message: `${n.toLocaleString('en-US')} of ${csv.records.length.toLocaleString('en-US')} row${csv.records.length === 1 ? '' : 's'} ${n === 1 ? 'has' : 'have'} errors; nothing was imported`,
    rows: [...failed].map(([row, issues]) => ({ row, issues })),
    error_report_csv: errorReportCsv(csv, failed),
  }
}

/** The `servers` form as CSV, so its error report has the same shape as a file's. */
function asCsv(servers: readonly Record<string, unknown>[]): ServerCsv {
  const header = [...SERVER_CSV_COLUMNS, ...new Set(servers.flatMap((s) => Object.keys(s).filter((k) => !CSV_COLUMNS.has(k))))]
  const cell = (x: unknown) => (x === null || x === undefined ? '' : Array.isArray(x) ? x.join(',') : typeof x === 'object' ? JSON.stringify(x) : String(x))
  return { header, records: servers.map((s, i) => ({ row: i + 1, values: {}, fields: header.map((h) => cell(s[h])), issues: [] })) }
}
