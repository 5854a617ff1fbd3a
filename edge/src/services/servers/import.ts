import { checkServerRow, formatIssues, SERVER_CSV_COLUMNS, serverRowSchema, withKeyCheck, type ServerRow } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { RawJson } from '../../raw-json'
import { isForeignKeyViolation } from '../ids'
import { loadServerRefs, objectColumns, type ServerRefs } from './context'
import { columnValues, errorReportCsv, MAX_IMPORT_RECORDS, parseServerCsv, recordValues, type ServerCsv } from './csv'
import { insertServers, toServers } from './store'
import { serverView, type ServerNames } from './view'

export type BatchInput = { csv: string } | { servers: Record<string, unknown>[] }
export type BatchFailure = { error_message: string; rows: { row: number; issues: string }[]; error_report_csv: string }
export type BatchResult = { ok: true; servers: RawJson } | ({ ok: false } & BatchFailure)

const CSV_COLUMNS = new Set<string>(SERVER_CSV_COLUMNS)
/** Rows per insert: big enough to amortise a round trip, small enough to overlap with checking the next. */
const CHUNK = 1000
const ROLLBACK = Symbol('rollback')
/** A macrotask turn, so the driver's socket I/O runs (microtasks alone never let it); setTimeout where there is no setImmediate. */
const nextTick = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)))

/**
 * Seed 004's bulk import: every row checked with the same rules as create_server, then all
 * inserted in one transaction, or none when any row has a problem.
 */
export async function batchCreateServers(deps: Deps, caller: Caller, input: BatchInput): Promise<BatchResult> {
  authorize(caller, 'servers_create')
  const csv = 'csv' in input ? parseServerCsv(input.csv) : null
  const objects = 'servers' in input ? input.servers : []
  const count = csv ? csv.records.length : objects.length
  const rowAt = (i: number): Record<string, unknown> => (csv ? recordValues(csv.header, csv.records[i]!.fields) : objects[i]!)
  if (count > MAX_IMPORT_RECORDS) throw ApiError.invalid(`At most ${MAX_IMPORT_RECORDS.toLocaleString('en-US')} servers may be imported at a time`, 'servers')

  const refs = await loadServerRefs(deps.db, csv ? (column) => columnValues(csv, column) : objectColumns(objects))
  const schema = serverRowSchema(refs)
  const failed = new Map<number, string>()
  let created = 0
  let list = ''
  try {
    await deps.db.transaction(async (tx) => {
      // Chunks are checked, encrypted and sent while Postgres still inserts the previous one, so the
      // database's work overlaps ours. After the first bad row nothing more is sent, and the whole
      // transaction is rolled back at the end: an import is all or nothing.
      const inserts: Promise<void>[] = []
      const names = viewNames(refs)
      const views: string[] = []
      // The first and last rows go in smaller chunks: Postgres starts sooner, and the final insert,
      // which nothing overlaps, is short.
      for (let at = 0, size = CHUNK; at < count; at += size) {
        size = at === 0 || count - at <= CHUNK ? CHUNK / 4 : CHUNK
        const valid: ServerRow[] = []
        for (let i = at; i < Math.min(at + size, count); i++) {
          const checked = checkServerRow(schema, rowAt(i), CSV_COLUMNS)
          const result = checked.ok && checked.value.private_key ? await withKeyCheck(checked) : checked
          const parseIssues = csv?.records[i]!.issues
          if (result.ok && !parseIssues?.length) valid.push(result.value)
          else failed.set(i + 1, formatIssues([...(parseIssues ?? []), ...(result.ok ? [] : result.issues)]))
        }
        if (failed.size > 0) continue
        const rows = await toServers(deps.config.secretKeys, valid, refs, deps.clock.now())
        created += rows.length
        const insert = insertServers(tx, rows)
        const text = JSON.stringify(rows.map((r) => serverView(r, names(r))))
        if (text !== '[]') views.push(text.slice(1, -1))
        insert.catch(() => {}) // read below, after the loop; this only keeps Node from calling it unhandled
        inserts.push(insert)
        // Let the driver read the last answer and send the next chunk while we check this one.
        await nextTick()
      }
      const settled = await Promise.allSettled(inserts)
      const broken = settled.find((r) => r.status === 'rejected')
      if (broken) throw broken.reason
      if (failed.size > 0) throw ROLLBACK
      await audit(tx, caller, 'batch_create_server', null, { count: created })
      list = views.join(',')
    })
  } catch (err) {
    if (err === ROLLBACK) return { ok: false, ...failure(csv ?? asCsv(objects), failed) }
    // A zone, pool or user deleted between the check and the insert: nothing was imported.
    if (isForeignKeyViolation(err)) throw ApiError.conflict('A zone, pool or user the file refers to was deleted during the import; nothing was imported')
    throw err
  }
  return { ok: true, servers: new RawJson(`[${list}]`) }
}

/** Names for the views of new rows, from what the import already looked up. */
function viewNames(refs: ServerRefs): (s: { zoneId: string; poolId: string | null; assignedUserId: string | null }) => ServerNames {
  const zoneNames = new Map([...refs.zones].map(([name, id]) => [id, name]))
  return (s) => ({
    zoneName: zoneNames.get(s.zoneId) ?? '',
    poolName: s.poolId === null ? null : (refs.poolNames.get(s.poolId) ?? null),
    username: s.assignedUserId === null ? null : (refs.usernames.get(s.assignedUserId) ?? null),
  })
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
  return { header, records: servers.map((s, i) => ({ row: i + 1, fields: header.map((h) => cell(s[h])), issues: [] })) }
}
