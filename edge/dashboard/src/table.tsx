import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'

/** Rows per page in every admin table. */
export const PAGE_SIZE = 20

/** A column: its header, its cell, and (when sortable) the value rows are ordered by. */
export type Column<T> = { label: string; cell: (row: T) => ComponentChildren; sort?: (row: T) => string | number | null; class?: string }
/** The sorted column's index; -1 keeps the server's order until a header is clicked. */
export type SortState = { column: number; desc: boolean }

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
/** Empty values sort last in ascending order, whatever their type. */
function compare(a: string | number | null, b: string | number | null): number {
  if (a === null || a === '') return b === null || b === '' ? 0 : 1
  if (b === null || b === '') return -1
  return typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b))
}

/**
 * Sort and page state for a table: rows ordered by the chosen column (stable, so equal keys keep
 * the server's order), and the current page, kept within range when rows go away.
 */
export function useSortedPage<T>(rows: readonly T[], columns: readonly Column<T>[], initial: SortState, pageSize = PAGE_SIZE) {
  const [sort, setSort] = useState<SortState>(initial)
  const [page, setPage] = useState(0)
  const key = columns[sort.column]?.sort
  const sorted = key ? [...rows].sort((a, b) => compare(key(a), key(b)) * (sort.desc ? -1 : 1)) : [...rows]
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize))
  const current = Math.min(page, pages - 1)
  return {
    sort,
    page: current,
    pages,
    shown: sorted.slice(current * pageSize, (current + 1) * pageSize),
    /** Clicking the sorted column flips its direction; another column starts ascending, on page 1. */
    sortBy: (column: number) => {
      setSort({ column, desc: sort.column === column ? !sort.desc : false })
      setPage(0)
    },
    setPage,
  }
}

type DataTableProps<T> = {
  /** Names the table and its pager for assistive technology (and tests). */
  label: string
  rows: readonly T[]
  columns: readonly Column<T>[]
  rowKey: (row: T) => string
  initialSort?: SortState
  pageSize?: number
}

/** An admin table with sortable headers (aria-sort) and a pager once there is more than one page. */
export function DataTable<T>({
  label,
  rows,
  columns,
  rowKey,
  initialSort = { column: 0, desc: false },
  pageSize = PAGE_SIZE,
}: DataTableProps<T>) {
  const t = useSortedPage(rows, columns, initialSort, pageSize)
  return (
    <>
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c, i) =>
              c.sort ? (
                <th key={i} aria-sort={t.sort.column === i ? (t.sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" class="sort" onClick={() => t.sortBy(i)}>
                    {c.label}
                    {t.sort.column === i ? (t.sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ) : (
                <th key={i}>{c.label}</th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {t.shown.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c, i) => (
                <td key={i} class={c.class}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {t.pages > 1 && (
        <nav class="pager" aria-label={`${label} pages`}>
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
    </>
  )
}
