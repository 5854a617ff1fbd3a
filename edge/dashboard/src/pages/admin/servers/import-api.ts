// The import wizard's I/O: the upload to batch_create_server, reading its answer, the file's own
// rows for display, and saving the error report.
import Papa from 'papaparse'
import { SERVER_CSV_DIALECT, withoutBom, type RowIssue } from '#schema/contracts'
import type { ServerView } from './model'

export type RowFailure = { row: number; issues: string }
export type ImportOutcome =
  | { kind: 'created'; servers: ServerView[] }
  | { kind: 'rows'; message: string; rows: RowFailure[]; report: string }
  | { kind: 'file'; message: string }

/**
 * Sends the file's bytes as they are (text/csv) rather than text the browser decoded, so the edge
 * can refuse a file that is not UTF-8 and name the line (Kasm's docs: Servers: "a utf-8 encoded CSV file").
 */
export async function uploadServerCsv(file: Blob): Promise<ImportOutcome> {
  let res: Response
  try {
    res = await fetch('/api/public/batch_create_server', {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      credentials: 'same-origin',
      body: file,
    })
  } catch {
    return { kind: 'file', message: 'Could not reach the server; check the connection and try again' }
  }
  const body = (await res.json().catch(() => ({}))) as {
    servers?: ServerView[]
    rows?: RowFailure[]
    error_message?: string
    error_report_csv?: string
  }
  if (res.ok && Array.isArray(body.servers)) return { kind: 'created', servers: body.servers }
  const message = body.error_message ?? `The import failed (${res.status})`
  if (res.status === 400 && Array.isArray(body.rows)) return { kind: 'rows', message, rows: body.rows, report: body.error_report_csv ?? '' }
  return { kind: 'file', message }
}

/** The file as the edge reads it (same delimiter, quoting, BOM and blank-line handling), so row N here is row N there. */
export function parseCsvFile(text: string): { header: string[]; records: string[][] } {
  const { data } = Papa.parse<string[]>(withoutBom(text), { ...SERVER_CSV_DIALECT, skipEmptyLines: true })
  return { header: (data[0] ?? []).map((h) => h.trim()), records: data.slice(1) }
}

/**
 * Splits a row's `(field, field) Readable [raw]; …` text into issues. A split is made only where
 * the parentheses name known columns, so a "; (" inside a message (a zone's name) does not split it.
 */
export function parseIssues(text: string, known: ReadonlySet<string>): RowIssue[] {
  const starts: { at: number; end: number; fields: string[] }[] = []
  for (const m of text.matchAll(/(?:^|; )\(([^()]+)\) /g)) {
    const fields = m[1]!.split(', ')
    if (fields.every((f) => known.has(f))) starts.push({ at: m.index, end: m.index + m[0].length, fields })
  }
  if (starts.length === 0) return [{ fields: ['row'], message: text }]
  return starts.map((s, i) => ({ fields: s.fields, message: text.slice(s.end, starts[i + 1]?.at) }))
}

/** Saves text as a file the browser downloads (no server round trip: the report came with the answer). */
export function downloadText(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  // Revoked on the next task: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
