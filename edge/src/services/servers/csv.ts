import Papa from 'papaparse'
import {
  issueText,
  REQUIRED_SERVER_COLUMNS,
  SERVER_CSV_COLUMN_SET,
  SERVER_CSV_COLUMNS,
  SERVER_CSV_DIALECT,
  withoutBom,
  type RowIssue,
} from '#schema'
import { ApiError } from '../../errors'

/** Seed 004: "a size limit of 10,000 records". */
export const MAX_IMPORT_RECORDS = 10_000

/** One data record: its 1-based number, the fields as written, and any parse problems. */
export type CsvRecord = { row: number; fields: string[]; issues: RowIssue[] }
export type ServerCsv = { header: string[]; records: CsvRecord[] }
/** A file read a slice at a time: its checked header, then its records one by one. */
export type CsvReader = { header: string[]; records: Iterator<CsvRecord, void> }

const NO_ISSUES: RowIssue[] = []
/** Characters parsed per step: about 250 server rows (a bigger slice's rows outlive more collections), after a first step of a hundred or so. */
const SLICE = 32 * 1024
const FIRST_SLICE = 16 * 1024

// papaparse's ParserHandle (exported, untyped) is what its own string streamer drives a slice at a
// time; driving it here lets an import check and insert each slice's rows before parsing the next,
// so a 10,000-row file never exists as 10,000 arrays at once.
type Handle = {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): Papa.ParseResult<string[]>
  guessLineEndings(input: string, quoteChar: string): Papa.ParseConfig['newline']
}
const { ParserHandle } = Papa as unknown as { ParserHandle: new (config: Papa.ParseConfig) => Handle }
const CONFIG = { ...SERVER_CSV_DIALECT }

/** The file's rows in order (blank lines skipped), each with papaparse's errors for it. */
function* csvRows(text: string, slice: number): Generator<{ fields: string[]; errors: Papa.ParseError[] }, void> {
  const body = withoutBom(text)
  // Line ends are told once, by papaparse's rule, from the file's start rather than from each slice
  // (its rule splits what it is given on every CR and LF: 64 kB is plenty, a megabyte costs ms).
  const newline = new ParserHandle(CONFIG).guessLineEndings(body.slice(0, 64 * 1024), '"')
  const handle = new ParserHandle({ ...CONFIG, newline })
  let base = 0
  let partial = ''
  // A short first step, so an import's first rows reach Postgres sooner.
  for (let at = 0, size = Math.min(slice, FIRST_SLICE); ; at += size, size = slice) {
    const last = at + size >= body.length
    const input = partial + body.slice(at, at + size)
    // Until the last slice the final, perhaps cut, row is held back and parsed again with the next.
    const result = handle.parse(input, base, !last)
    // Error rows index the data before blank lines are dropped, so they are matched here, not after.
    const errors = new Map<number, Papa.ParseError[]>()
    for (const e of result.errors) if (e.row !== undefined) errors.set(e.row, [...(errors.get(e.row) ?? []), e])
    for (let i = 0; i < result.data.length; i++) {
      const fields = result.data[i]!
      if (fields.length === 1 && fields[0] === '' && !errors.has(i)) continue
      yield { fields, errors: errors.get(i) ?? [] }
    }
    if (last) return
    partial = input.slice(result.meta.cursor - base)
    base = result.meta.cursor
  }
}

/**
 * Opens a server import file (Kasm's docs: Servers, "CSV Formatting"): file-level problems throw, here for the
 * header and from `records` for a file past 10,000 records; row-level ones are kept per record.
 */
export function readServerCsv(text: string, slice = SLICE): CsvReader {
  const rows = csvRows(text, slice)
  const first = rows.next()
  if (first.done) throw ApiError.invalid('The file is empty: a header row is required', 'csv')
  const header = first.value.fields.map((h) => h.trim())
  checkHeader(header)
  function* records(): Generator<CsvRecord, void> {
    let row = 0
    for (const { fields, errors } of rows) {
      if (++row > MAX_IMPORT_RECORDS) {
        throw ApiError.invalid(
          `The file has more than ${MAX_IMPORT_RECORDS.toLocaleString('en-US')} records; import at most ${MAX_IMPORT_RECORDS.toLocaleString('en-US')} at a time`,
          'csv',
        )
      }
      yield toRecord(header, fields, row, errors)
    }
    if (row === 0) throw ApiError.invalid('The file has a header row but no records', 'csv')
  }
  return { header, records: records() }
}

/** The whole file at once: for an error report, which shows every record. */
export function parseServerCsv(text: string): ServerCsv {
  const { header, records } = readServerCsv(text)
  const all: CsvRecord[] = []
  for (let r = records.next(); !r.done; r = records.next()) all.push(r.value)
  return { header, records: all }
}

function toRecord(header: string[], fields: string[], row: number, errors: Papa.ParseError[]): CsvRecord {
  if (errors.length === 0 && fields.length === header.length) return { row, fields, issues: NO_ISSUES }
  const issues: RowIssue[] = errors.map((e) => ({ fields: ['row'], message: issueText('Malformed CSV', e.message) }))
  if (fields.length !== header.length) {
    issues.push({
      fields: ['row'],
      message: issueText('Wrong number of fields', `Expected ${header.length} fields as in the header, found ${fields.length}`),
    })
  }
  return { row, fields, issues }
}

function checkHeader(header: string[]): void {
  const seen = new Set<string>()
  for (const name of header) {
    if (name === '') throw ApiError.invalid('The header row has an empty column name', 'csv')
    if (seen.has(name)) throw ApiError.invalid(`The header row names the column ${name} twice`, 'csv')
    seen.add(name)
  }
  const unknown = header.filter((h) => !SERVER_CSV_COLUMN_SET.has(h))
  if (unknown.length > 0)
    throw ApiError.invalid(
      `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. The columns are: ${SERVER_CSV_COLUMNS.join(', ')}`,
      'csv',
    )
  const missing = REQUIRED_SERVER_COLUMNS.filter((c) => !seen.has(c))
  if (missing.length > 0) throw ApiError.invalid(`Missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, 'csv')
}

/** A field as papaparse's unparse writes it: quoted when it holds a quote, comma, line break or BOM, or starts or ends with a space. */
const NEEDS_QUOTES = /[",\r\n\uFEFF]|^ | $/
const cell = (s: string) => (NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s)

/**
 * Seed 004's "error report": the original rows with an `issues` column first, written as papaparse
 * writes CSV (a test holds the two equal) but quoting only what needs it, 10,000 rows a report.
 */
export function errorReportCsv(csv: ServerCsv, issuesByRow: ReadonlyMap<number, string>): string {
  const lines: string[] = new Array(csv.records.length + 1)
  lines[0] = ['issues', ...csv.header].map(cell).join(',')
  for (let i = 0; i < csv.records.length; i++) {
    const r = csv.records[i]!
    lines[i + 1] = `${cell(issuesByRow.get(r.row) ?? '')},${csvLine(r.fields)}`
  }
  return lines.join('\n')
}

/** Plain fields joined show no quote, line break, BOM or edge space, and only the joining commas. */
const SPECIAL_IN_LINE = /["\r\n\uFEFF]|^ | $| ,|, /
function csvLine(fields: readonly string[]): string {
  const joined = fields.join(',')
  if (!SPECIAL_IN_LINE.test(joined)) {
    let commas = 0
    for (let at = joined.indexOf(','); at >= 0; at = joined.indexOf(',', at + 1)) commas++
    if (commas === fields.length - 1) return joined
  }
  return fields.map(cell).join(',')
}
