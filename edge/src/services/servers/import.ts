import { formatIssues, serverRowSchema, withKeyCheck, type ServerRow } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { RawJson } from '../../raw-json'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { isForeignKeyViolation } from '../ids'
import { importBatcher } from './batch'
import { serverRefResolver } from './context'
import { errorReportCsv, MAX_IMPORT_RECORDS, type ServerCsv } from './csv'
import { csvSource, objectSource } from './source'
import { insertServerTuples } from './store'

export type BatchInput = { csv: string } | { servers: Record<string, unknown>[] }
export type BatchFailure = { error_message: string; rows: { row: number; issues: string }[]; error_report_csv: string }
export type BatchResult = { ok: true; servers: RawJson } | ({ ok: false } & BatchFailure)

/** Rows per insert: big enough to amortise a statement, small enough to overlap with checking the next. */
const CHUNK = 500
const YIELD_EVERY = 100
const ROLLBACK = Symbol('rollback')
/** A macrotask turn, so the driver's socket I/O runs (microtasks alone never let it); setTimeout where there is no setImmediate. */
const nextTick = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)))

/**
 * Seed 004's bulk import: every row checked with the same rules as create_server, then all
 * inserted in one transaction, or none when any row has a problem.
 */
export async function batchCreateServers(deps: Deps, caller: Caller, input: BatchInput): Promise<BatchResult> {
  authorize(caller, 'servers_create')
  if ('servers' in input && input.servers.length > MAX_IMPORT_RECORDS) {
    throw ApiError.invalid(`At most ${MAX_IMPORT_RECORDS.toLocaleString('en-US')} servers may be imported at a time`, 'servers')
  }
  // Header problems throw here, before any work; a file past 10,000 records throws when read that far.
  const source = 'csv' in input ? csvSource(input.csv) : objectSource(input.servers)
  const resolver = serverRefResolver()
  const check = source.checker(serverRowSchema(resolver.refs))
  const created = deps.clock.now().toISOString()
  const toBatch = importBatcher(deps.config.secretKeys, resolver.refs, created)
  const failed = new Map<number, string>()
  let count = 0
  let list: string[] = []
  try {
    await deps.db.transaction(async (tx) => {
      // The file is read, checked, encrypted and sent a chunk at a time, while Postgres still inserts
      // the previous chunk, so the database's work overlaps ours and no chunk outlives its turn.
      // After the first bad row nothing more is sent, but every row is still checked for the report,
      // and the whole transaction is rolled back: an import is all or nothing.
      const inserts: Promise<void>[] = []
      const views: string[] = []
      // A small first chunk: Postgres starts sooner.
      for (let size = CHUNK / 2; ; size = CHUNK) {
        const rows = source.take(size)
        if (rows.length === 0) break
        await resolver.load(tx, source.columns(rows))
        const valid: ServerRow[] = []
        for (let i = 0; i < rows.length; i++) {
          // node-postgres sends a queued insert only when its event handlers run: pausing every
          // hundred rows lets Postgres start the next chunk as soon as it finishes one.
          if (i % YIELD_EVERY === YIELD_EVERY - 1) await nextTick()
          const r = rows[i]!
          const checked = check(r)
          const result = checked.ok && checked.value.private_key ? await withKeyCheck(checked) : checked
          if (result.ok && r.issues.length === 0) valid.push(result.value)
          else failed.set(r.row, formatIssues(result.ok ? r.issues : [...r.issues, ...result.issues]))
        }
        if (failed.size > 0) continue
        count += valid.length
        const batch = await toBatch(valid)
        const insert = insertServerTuples(tx, batch.tuples, created)
        insert.catch(() => {}) // read below, after the loop; this only keeps Node from calling it unhandled
        inserts.push(insert)
        if (batch.views) views.push(batch.views)
        // Let the driver read the last answer and send the next chunk while we check this one.
        await nextTick()
      }
      // The audit row goes in behind the last insert, without waiting for it first.
      if (failed.size === 0) inserts.push(audit(tx, caller, 'batch_create_server', null, { count }))
      const settled = await Promise.allSettled(inserts)
      const broken = settled.find((r) => r.status === 'rejected')
      if (broken) throw broken.reason
      if (failed.size > 0) throw ROLLBACK
      list = views
    })
  } catch (err) {
    if (err === ROLLBACK) return { ok: false, ...failure(source.report(), failed) }
    // A zone, pool or user deleted between the check and the insert: nothing was imported.
    if (isForeignKeyViolation(err))
      throw ApiError.conflict('A zone, pool or user the file refers to was deleted during the import; nothing was imported')
    throw err
  }
  // [v0,v1,…] as pieces: the body is joined once.
  return { ok: true, servers: new RawJson(['[', ...list.flatMap((v, i) => (i === 0 ? [v] : [',', v])), ']']) }
}

function failure(csv: ServerCsv, failed: ReadonlyMap<number, string>): BatchFailure {
  const n = failed.size
  return {
    error_message: `${n.toLocaleString('en-US')} of ${csv.records.length.toLocaleString('en-US')} row${csv.records.length === 1 ? '' : 's'} ${n === 1 ? 'has' : 'have'} errors; nothing was imported`,
    rows: [...failed].map(([row, issues]) => ({ row, issues })),
    error_report_csv: errorReportCsv(csv, failed),
  }
}

/**
 * The 400 answer as JSON text (Kasm's error shape plus the rows and the report). Written by hand
 * because a bad file repeats a few mistakes thousands of times: each distinct issues text is
 * escaped once.
 */
export function batchFailureJson(f: BatchFailure, requestId: string): string {
  const escaped = new Map<string, string>()
  const rows = f.rows.map(({ row, issues }) => {
    let text = escaped.get(issues)
    if (text === undefined) escaped.set(issues, (text = JSON.stringify(issues)))
    return `{"row":${row},"issues":${text}}`
  })
  const q = JSON.stringify
  return `{"error_message":${q(f.error_message)},"rows":[${rows.join(',')}],"error_report_csv":${q(f.error_report_csv)},"code":"bad_request","request_id":${q(requestId)}}`
}
