import {
  checkServerRow,
  csvRowChecker,
  SERVER_CSV_COLUMN_SET,
  SERVER_CSV_COLUMNS,
  type RowIssue,
  type RowResult,
  type serverRowSchema,
} from '#schema'
import type { ColumnValues } from './context'
import { parseServerCsv, readServerCsv, type ServerCsv } from './csv'

/** One row to check: its record number, problems with the row itself, and the row as the source holds it. */
export type SourceRow<T = unknown> = { row: number; issues: RowIssue[]; data: T }
type RowSchema = ReturnType<typeof serverRowSchema>

/** An import's rows, taken a chunk at a time, and the whole input again for an error report. */
export type ImportSource = {
  take(n: number): SourceRow[]
  /** The values of a column across some taken rows, for looking up what they refer to. */
  columns(rows: readonly SourceRow[]): ColumnValues
  /** The shared rules (checkServerRow's) for rows of this source. */
  checker(schema: RowSchema): (row: SourceRow) => RowResult
  report(): ServerCsv
}

/** A CSV file, parsed as it is taken. A failure report parses it again rather than hold 10,000 records. */
export function csvSource(text: string): ImportSource {
  const { header, records } = readServerCsv(text)
  type Row = SourceRow<string[]>
  return {
    take(n) {
      const out: Row[] = []
      while (out.length < n) {
        const next = records.next()
        if (next.done) break
        out.push({ row: next.value.row, issues: next.value.issues, data: next.value.fields })
      }
      return out
    },
    columns: (rows) => (column) => {
      const at = header.indexOf(column)
      return at < 0 ? [] : (rows as Row[]).map((r) => r.data[at])
    },
    checker(schema) {
      const check = csvRowChecker(schema, header)
      return (r) => check((r as Row).data)
    },
    report: () => parseServerCsv(text),
  }
}

/** The `servers` form: rows as objects, reported as CSV so the report has a file's shape. */
export function objectSource(servers: readonly Record<string, unknown>[]): ImportSource {
  type Row = SourceRow<Record<string, unknown>>
  let at = 0
  return {
    take(n) {
      const out: Row[] = servers.slice(at, at + n).map((data, i) => ({ row: at + i + 1, issues: [], data }))
      at += out.length
      return out
    },
    columns: (rows) => (column) => (rows as Row[]).map((r) => r.data[column]),
    checker: (schema) => (r) => checkServerRow(schema, (r as Row).data, SERVER_CSV_COLUMN_SET),
    report: () => asCsv(servers),
  }
}

function asCsv(servers: readonly Record<string, unknown>[]): ServerCsv {
  const header = [...SERVER_CSV_COLUMNS, ...new Set(servers.flatMap((s) => Object.keys(s).filter((k) => !SERVER_CSV_COLUMN_SET.has(k))))]
  const cell = (x: unknown) =>
    x === null || x === undefined ? '' : Array.isArray(x) ? x.join(',') : typeof x === 'object' ? JSON.stringify(x) : String(x)
  return { header, records: servers.map((s, i) => ({ row: i + 1, fields: header.map((h) => cell(s[h])), issues: [] })) }
}
