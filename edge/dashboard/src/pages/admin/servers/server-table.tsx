import { CONNECTION_TYPES } from '#schema/contracts'
import type { Column } from '../../../table'
import type { ServerView } from './model'

/** '' means "any" for each filter. */
export type ServerFilters = { zone: string; label: string; type: string }
export const NO_FILTERS: ServerFilters = { zone: '', label: '', type: '' }

export const filterServers = (servers: readonly ServerView[], f: ServerFilters) =>
  servers.filter(
    (s) => (!f.zone || s.zone_name === f.zone) && (!f.label || s.labels.includes(f.label)) && (!f.type || s.connection_type === f.type),
  )

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort((a, b) => a.localeCompare(b))

/** Filters by zone, label and connection type; the choices are the values the servers have. */
export function ServerFilterBar({
  servers,
  filters,
  onChange,
}: {
  servers: readonly ServerView[]
  filters: ServerFilters
  onChange: (f: ServerFilters) => void
}) {
  const choice = (key: keyof ServerFilters, label: string, values: readonly string[]) => (
    <label>
      {label}
      <select
        aria-label={`Filter by ${label.toLowerCase()}`}
        value={filters[key]}
        onChange={(e) => onChange({ ...filters, [key]: e.currentTarget.value })}
      >
        <option value="">Any</option>
        {values.map((x) => (
          <option key={x} value={x}>
            {x}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <form class="inline" aria-label="Filter servers" onSubmit={(e) => e.preventDefault()}>
      {choice('zone', 'Zone', sorted(servers.map((s) => s.zone_name)))}
      {choice('label', 'Label', sorted(servers.flatMap((s) => s.labels)))}
      {choice('type', 'Connection type', CONNECTION_TYPES)}
      {(filters.zone || filters.label || filters.type) && (
        <button type="button" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </form>
  )
}

type Actions = {
  may: (permission: string) => boolean
  onEdit: (s: ServerView) => void
  onToggle: (s: ServerView) => void
  onDelete: (s: ServerView) => void
}

/** What identifies a server and where it runs: the list's first columns, and the import's summary. */
export const SERVER_IDENTITY_COLUMNS: Column<ServerView>[] = [
  { label: 'Name', sort: (s) => s.name, cell: (s) => s.name },
  { label: 'Type', sort: (s) => s.connection_type, cell: (s) => s.connection_type },
  { label: 'Host', sort: (s) => `${s.ip_hostname}:${s.port}`, cell: (s) => `${s.ip_hostname}:${s.port}` },
  { label: 'Zone', sort: (s) => s.zone_name, cell: (s) => s.zone_name },
  { label: 'Pool', sort: (s) => s.pool_name, cell: (s) => s.pool_name ?? '—' },
  { label: 'Labels', sort: (s) => s.labels.join(', '), cell: (s) => s.labels.join(', ') },
]

/** The servers table's columns: what identifies a server, where it runs, and how it is reached. */
export function serverColumns({ may, onEdit, onToggle, onDelete }: Actions): Column<ServerView>[] {
  return [
    ...SERVER_IDENTITY_COLUMNS,
    { label: 'Credentials', sort: (s) => s.connection_credential_type, cell: (s) => s.connection_credential_type },
    { label: 'State', sort: (s) => (s.enabled ? 'enabled' : 'disabled'), cell: (s) => (s.enabled ? 'enabled' : 'disabled') },
    {
      label: 'Sessions / users',
      sort: (s) => s.max_simultaneous_sessions,
      cell: (s) => `${s.max_simultaneous_sessions} / ${s.max_simultaneous_users}`,
    },
    {
      label: 'Actions',
      class: 'actions',
      cell: (s) => (
        <>
          {may('servers_modify') && (
            <button type="button" aria-label={`Edit ${s.name}`} onClick={() => onEdit(s)}>
              Edit
            </button>
          )}
          {may('servers_modify') && (
            <button type="button" aria-label={`${s.enabled ? 'Disable' : 'Enable'} ${s.name}`} onClick={() => onToggle(s)}>
              {s.enabled ? 'Disable' : 'Enable'}
            </button>
          )}
          {may('servers_delete') && (
            <button type="button" class="danger" aria-label={`Delete ${s.name}`} onClick={() => onDelete(s)}>
              Delete
            </button>
          )}
        </>
      ),
    },
  ]
}
