import { useMemo, useState } from 'preact/hooks'
import type { RowIssue } from '#schema/contracts'
import { SERVER_CSV_COLUMNS } from '#schema/contracts'
import { useSortedPage } from '../../../table'
import { downloadText, parseCsvFile, parseIssues, type RowFailure } from './import-api'

type ImportErrorsProps = { fileName: string; text: string; message: string; rows: readonly RowFailure[]; report: string }

/** Long values (a pasted private key) are cut to a line in the table; the full text is its title. */
const MAX_CELL_CHARS = 40
const shortened = (value: string) => {
  const line = value.split(/\r?\n/, 1)[0]!
  return line.length > MAX_CELL_CHARS || line !== value ? `${line.slice(0, MAX_CELL_CHARS)}…` : value
}

/** Where a row's problems go: onto the cells of columns the file has, or onto the row as a whole. */
function placeIssues(issues: readonly RowIssue[], header: readonly string[]) {
  const cells = new Map<number, string[]>()
  const rowLevel: RowIssue[] = []
  for (const issue of issues) {
    const columns = issue.fields.map((f) => header.indexOf(f)).filter((i) => i >= 0)
    if (columns.length === 0) rowLevel.push(issue)
    for (const c of columns) cells.set(c, [...(cells.get(c) ?? []), issue.message])
  }
  return { cells, rowLevel }
}

/**
 * Seed 004's interactive error table: the file's rows as the admin wrote them (parsed here, shown
 * as text only), each erroneous field's cell marked, a marker for problems with the row itself, an
 * information button per erroneous row, and the marked-up report to download.
 */
export function ImportErrors({ fileName, text, message, rows, report }: ImportErrorsProps) {
  const { header, records } = useMemo(() => parseCsvFile(text), [text])
  const issuesByRow = useMemo(() => {
    const known = new Set<string>([...SERVER_CSV_COLUMNS, ...header, 'row'])
    return new Map(rows.map((r) => [r.row, parseIssues(r.issues, known)]))
  }, [rows, header])
  const [onlyErrors, setOnlyErrors] = useState(false)
  const [open, setOpen] = useState<number | null>(null)
  const numbered = records.map((fields, i) => ({ n: i + 1, fields }))
  const listed = onlyErrors ? numbered.filter((r) => issuesByRow.has(r.n)) : numbered
  const t = useSortedPage(listed, [], { column: -1, desc: false })
  const reportName = `${fileName.replace(/\.csv$/i, '') || 'servers'}-error-report.csv`
  const openIssues = open === null ? undefined : issuesByRow.get(open)
  return (
    <div class="import-errors">
      <p role="alert" class="error">
        {message}
      </p>
      <span class="actions">
        <button type="button" onClick={() => downloadText(report, reportName)}>
          Export error report
        </button>
        <label class="check">
          <input type="checkbox" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.currentTarget.checked)} />
          Only rows with errors
        </label>
      </span>
      {openIssues && (
        <section class="row-issues" aria-label={`Issues in row ${open}`}>
          <h4>Row {open}</h4>
          <ul>
            {openIssues.map((issue, i) => (
              <li key={i}>
                <strong>{issue.fields.join(', ')}</strong>: {issue.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setOpen(null)}>
            Close
          </button>
        </section>
      )}
      <div class="import-table">
        <table aria-label="File rows">
          <thead>
            <tr>
              <th>Row</th>
              <th>Issues</th>
              {header.map((h, i) => (
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.shown.map(({ n, fields }) => {
              const issues = issuesByRow.get(n)
              const { cells, rowLevel } = placeIssues(issues ?? [], header)
              return (
                <tr key={n} class={issues ? 'has-issues' : undefined} data-row={n}>
                  <td>{n}</td>
                  <td class="issue-cell">
                    {rowLevel.length > 0 && (
                      <span class="row-marker" data-row-issue="" title={rowLevel.map((i) => i.message).join('\n')}>
                        row
                      </span>
                    )}
                    {issues && (
                      <button
                        type="button"
                        class="info"
                        aria-label={`Show issues in row ${n}`}
                        aria-expanded={open === n}
                        onClick={() => setOpen(open === n ? null : n)}
                      >
                        <span class="info-glyph" aria-hidden="true">
                          i
                        </span>{' '}
                        {issues.length}
                      </button>
                    )}
                  </td>
                  {header.map((_, c) => {
                    const value = fields[c] ?? ''
                    const problems = cells.get(c)
                    return problems ? (
                      <td key={c} class="invalid" data-invalid="" data-column={header[c]} title={problems.join('\n')}>
                        {value === '' ? <em>(empty)</em> : shortened(value)}
                      </td>
                    ) : (
                      <td key={c} data-column={header[c]} title={shortened(value) !== value ? value : undefined}>
                        {shortened(value)}
                      </td>
                    )
                  })}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {t.pages > 1 && (
        <nav class="pager" aria-label="File rows pages">
          <button type="button" disabled={t.page === 0} onClick={() => t.setPage(t.page - 1)}>
            Previous
          </button>
          <span>
            {t.page + 1} / {t.pages}
          </span>
          <button type="button" disabled={t.page + 1 >= t.pages} onClick={() => t.setPage(t.page + 1)}>
            Next
          </button>
        </nav>
      )}
    </div>
  )
}
