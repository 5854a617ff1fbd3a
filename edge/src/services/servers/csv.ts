import Papa from 'papaparse'
import { issueText, REQUIRED_SERVER_COLUMNS, SERVER_CSV_COLUMNS, type RowIssue } from '#schema'
import { ApiError } from '../../errors'

/** Seed 004: "a size limit of 10,000 records". */
export const MAX_IMPORT_RECORDS = 10_000

/** One data record: its 1-based number, the fields as written, and any parse problems. */
export type CsvRecord = { row: number; fields: string[]; issues: RowIssue[] }
export type ServerCsv = { header: string[]; records: CsvRecord[] }

const KNOWN = new Set<string>(SERVER_CSV_COLUMNS)

/** Parses a server import file (seed 004 "CSV Formatting"); file-level problems throw, row-level ones are kept per record. */
export function parseServerCsv(text: string): ServerCsv {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  let header: string[] | null = null
  const records: CsvRecord[] = []
  let tooMany = false
  // In chunks of rows, stopped at record 10,001: a huge upload never becomes a huge array.
  // @ts-expect-error papaparse's types offer chunk only for files; its StringStreamer chunks text too.
  Papa.parse<string[]>(body, {
    delimiter: ',',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: true,
    chunkSize: 256 * 1024,
    chunk: (result: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
      const errors = new Map<number, Papa.ParseError[]>()
      for (const e of result.errors) errors.set(e.row ?? -1, [...(errors.get(e.row ?? -1) ?? []), e])
      for (const [i, data] of result.data.entries()) {
        if (!header) {
          header = data.map((h) => h.trim())
          continue
        }
        if (records.length === MAX_IMPORT_RECORDS) {
          tooMany = true
          parser.abort()
          return
        }
        records.push(toRecord(header, data, records.length + 1, errors.get(i) ?? []))
      }
    },
  })
  if (!header) throw ApiError.invalid('The file is empty: a header row is required', 'csv')
  checkHeader(header)
  if (tooMany) throw ApiError.invalid(`The file has more than ${MAX_IMPORT_RECORDS.toLocaleString('en-US')} records; import at most ${MAX_IMPORT_RECORDS.toLocaleString('en-US')} at a time`, 'csv')
  if (records.length === 0) throw ApiError.invalid('The file has a header row but no records', 'csv')
  return { header, records }
}

function toRecord(header: string[], fields: string[], row: number, errors: Papa.ParseError[]): CsvRecord {
  const issues: RowIssue[] = errors.map((e) => ({ fields: ['row'], message: issueText('Malformed CSV', e.message) }))
  if (fields.length !== header.length) {
    issues.push({ fields: ['row'], message: issueText('Wrong number of fields', `Expected ${header.length} fields as in the header, found ${fields.length}`) })
  }
  return { row, fields, issues }
}

/**
 * A record's fields by column, empty ones as null (seed 004). Made when the row is checked rather
 * than kept for the whole file, so 10,000 of them never outlive their chunk.
 */
export function recordValues(header: readonly string[], fields: readonly string[]): Record<string, string | null> {
  const values: Record<string, string | null> = {}
  for (let i = 0; i < header.length && i < fields.length; i++) values[header[i]!] = fields[i] === '' ? null : fields[i]!
  return values
}

/** Every value of one column, for looking up what the rows refer to. */
export function* columnValues(csv: ServerCsv, column: string): Iterable<string> {
  const at = csv.header.indexOf(column)
  if (at >= 0) for (const r of csv.records) if (r.fields[at]) yield r.fields[at]
}

function checkHeader(header: string[]): void {
  const seen = new Set<string>()
  for (const name of header) {
    if (name === '') throw ApiError.invalid('The header row has an empty column name', 'csv')
    if (seen.has(name)) throw ApiError.invalid(`The header row names the column ${name} twice`, 'csv')
    seen.add(name)
  }
  const unknown = header.filter((h) => !KNOWN.has(h))
  if (unknown.length > 0) throw ApiError.invalid(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. The columns are: ${SERVER_CSV_COLUMNS.join(', ')}`, 'csv')
  const missing = REQUIRED_SERVER_COLUMNS.filter((c) => !seen.has(c))
  if (missing.length > 0) throw ApiError.invalid(`Missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, 'csv')
}

/** Seed 004's "error report": the original rows with an `issues` column first. */
export function errorReportCsv(csv: ServerCsv, issuesByRow: ReadonlyMap<number, string>): string {
  const rows = csv.records.map((r) => [issuesByRow.get(r.row) ?? '', ...r.fields])
  return Papa.unparse([['issues', ...csv.header], ...rows], { newline: '\n' })
}
