import { useState } from 'preact/hooks'
import { IMAGE_TYPES, CreateImageSchema, type AdminImageView } from '#schema/contracts'
import { fieldErrors } from '../../validation'

/** A workspace as admins get it (get_images with images_view): the edge's view type. */
export type Image = AdminImageView
export type Zone = { zone_id: string; zone_name: string }
/** What a Server or Server Pool workspace can point at (get_servers, get_server_pools). */
export type Targets = {
  servers: { server_id: string; name: string; connection_type: string; ip_hostname: string; port: number }[]
  pools: { server_pool_id: string; server_pool_name: string; server_pool_type: string }[]
}
export const GiB = 1024 ** 3

const BLANK = {
  image_type: 'Container',
  friendly_name: '',
  name: '',
  description: '',
  cores: '1',
  memory_gib: '1',
  gpu_count: '0',
  image_src: '',
  categories: '',
  include_labels: '',
  exclude_labels: '',
  zone_id: '',
  run_config: '{}',
  exec_config: '{}',
  persistent_profile_path: '',
  link_url: '',
  server_id: '',
  server_pool_id: '',
}
type Form = typeof BLANK
const JSON_FIELDS = ['run_config', 'exec_config'] as const
/** The fields each workspace type has a box for, besides the common ones. */
const TYPE_FIELDS: Record<string, string[]> = {
  Container: ['name', 'cores', 'memory', 'gpu_count', 'include_labels', 'exclude_labels', 'persistent_profile_path', ...JSON_FIELDS],
  Link: ['link_url'],
  Server: ['server_id'],
  'Server Pool': ['server_pool_id'],
}
const list = (text: string) =>
  text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)

/** The form as create_image/update_image take it; JSON that does not parse is reported by field. */
function toTarget(f: Form): { target: Record<string, unknown>; jsonErrors: Record<string, string> } {
  const jsonErrors: Record<string, string> = {}
  const parsed: Record<string, unknown> = {}
  for (const key of f.image_type === 'Container' ? JSON_FIELDS : []) {
    try {
      parsed[key] = JSON.parse(f[key] || '{}')
    } catch (err) {
      jsonErrors[key] = `is not valid JSON: ${(err as Error).message}`
    }
  }
  const common = {
    image_type: f.image_type,
    friendly_name: f.friendly_name,
    description: f.description || null,
    image_src: f.image_src || null,
    categories: list(f.categories),
  }
  // Only the chosen type's own fields are sent, so a hidden field never blocks saving.
  const own: Record<string, Record<string, unknown>> = {
    Container: {
      name: f.name || null,
      cores: Number(f.cores),
      memory: Math.round(Number(f.memory_gib) * GiB),
      gpu_count: Number(f.gpu_count),
      include_labels: list(f.include_labels),
      exclude_labels: list(f.exclude_labels),
      // A chosen zone restricts the workspace to agents in that zone.
      restrict_to_zone: f.zone_id !== '',
      zone_id: f.zone_id || null,
      persistent_profile_path: f.persistent_profile_path || null,
      ...parsed,
    },
    Link: { link_url: f.link_url || null },
    Server: { server_id: f.server_id || null },
    'Server Pool': { server_pool_id: f.server_pool_id || null },
  }
  const target = { ...common, ...own[f.image_type] }
  return { target, jsonErrors }
}

const formOf = (i: Image): Form => ({
  image_type: i.image_type,
  friendly_name: i.friendly_name,
  name: i.name ?? '',
  description: i.description ?? '',
  cores: String(i.cores),
  memory_gib: String(+(i.memory / GiB).toFixed(2)),
  gpu_count: String(i.gpu_count),
  image_src: i.image_src ?? '',
  categories: i.categories.join(', '),
  include_labels: i.include_labels.join(', '),
  exclude_labels: i.exclude_labels.join(', '),
  zone_id: i.restrict_to_zone ? (i.zone_id ?? '') : '',
  run_config: JSON.stringify(i.run_config, null, 2),
  exec_config: JSON.stringify(i.exec_config, null, 2),
  persistent_profile_path: i.persistent_profile_path ?? '',
  link_url: i.link_url ?? '',
  server_id: i.server_id ?? '',
  server_pool_id: i.server_pool_id ?? '',
})

type WorkspaceFormProps = {
  editing: Image | null
  zones: Zone[]
  targets: Targets
  /** Resolves true when the edge saved it, which clears the form. */
  onSave: (target: Record<string, unknown>) => Promise<boolean>
  onCancel: () => void
}

/**
 * Create or edit one workspace, with the edge's own rules checked as you type (Docker Run and Exec
 * Config keys included). Fields that only one workspace type uses are shown for that type.
 */
export function WorkspaceForm({ editing, zones, targets, onSave, onCancel }: WorkspaceFormProps) {
  const [form, setForm] = useState<Form>(editing ? formOf(editing) : BLANK)
  const { target, jsonErrors } = toTarget(form)
  const touched = form.friendly_name || form.name || form.link_url || form.run_config !== '{}' || form.exec_config !== '{}'
  const problems = touched ? { ...fieldErrors(CreateImageSchema, { target_image: target }, 'target_image'), ...jsonErrors } : {}
  const type = form.image_type
  const field = (key: keyof Form, label: string, multiline = false) => (
    <label>
      {label}
      {multiline ? (
        <textarea name={key} aria-label={label} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
      ) : (
        <input name={key} aria-label={label} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
      )}
      {Object.entries(problems)
        .filter(([p]) => p === key || p.startsWith(`${key}.`) || (key === 'memory_gib' && p === 'memory'))
        .map(([p, m]) => (
          <span key={p} class="error">
            {p === key || key === 'memory_gib' ? m : `${p.slice(key.length + 1)}: ${m}`}
          </span>
        ))}
    </label>
  )
  const picker = (key: 'server_id' | 'server_pool_id', label: string, options: [string, string][]) => (
    <label>
      {label}
      <select aria-label={label} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.value })}>
        <option value="">Choose…</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      {problems[key] && <span class="error">{problems[key]}</span>}
    </label>
  )
  // Problems no visible field shows (a zone, a rule across fields) are listed under the form.
  const shown = ['friendly_name', 'description', 'image_src', 'categories', ...(TYPE_FIELDS[type] ?? [])]
  const other = Object.entries(problems).filter(([p]) => !shown.some((k) => p === k || p.startsWith(`${k}.`)))
  const submit = async (e: Event) => {
    e.preventDefault()
    if (await onSave(target)) setForm(BLANK)
  }
  return (
    <form class="stacked" onSubmit={submit} aria-label={editing ? 'Edit workspace' : 'Create workspace'}>
      <label>
        Workspace type
        <select aria-label="Workspace type" value={type} onChange={(e) => setForm({ ...form, image_type: e.currentTarget.value })}>
          {IMAGE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {field('friendly_name', 'Friendly name')}
      {field('description', 'Description')}
      {field('image_src', 'Thumbnail URL')}
      {field('categories', 'Categories (comma-separated)')}
      {type === 'Link' && field('link_url', 'Link URL')}
      {type === 'Server' &&
        picker(
          'server_id',
          'Server',
          targets.servers.map((x) => [x.server_id, `${x.name} (${x.connection_type} ${x.ip_hostname}:${x.port})`]),
        )}
      {type === 'Server Pool' &&
        picker(
          'server_pool_id',
          'Server pool',
          targets.pools.filter((p) => p.server_pool_type === 'Server').map((p) => [p.server_pool_id, p.server_pool_name]),
        )}
      {type === 'Container' && (
        <>
          {field('name', 'Docker image')}
          {field('cores', 'Cores')}
          {field('memory_gib', 'Memory (GiB)')}
          {field('gpu_count', 'GPUs')}
          {field('include_labels', 'Only agents with labels (comma-separated)')}
          {field('exclude_labels', 'Never agents with labels (comma-separated)')}
          <label>
            Zone
            <select aria-label="Zone" value={form.zone_id} onChange={(e) => setForm({ ...form, zone_id: e.currentTarget.value })}>
              <option value="">Any zone</option>
              {zones.map((z) => (
                <option key={z.zone_id} value={z.zone_id}>
                  {z.zone_name}
                </option>
              ))}
            </select>
          </label>
          {field('persistent_profile_path', 'Persistent profile path')}
          {field('run_config', 'Docker Run Config (JSON)', true)}
          {field('exec_config', 'Docker Exec Config (JSON)', true)}
          <p class="note">
            Exec Config runs commands in the session: <code>first_launch</code> once it starts, <code>go</code> on a launch link,{' '}
            <code>assign</code> when it is handed to a user. Each is <code>{'{"cmd": "…", "user": "…"}'}</code>.
          </p>
        </>
      )}
      {other.map(([p, m]) => (
        <span key={p} class="error">
          {p}: {m}
        </span>
      ))}
      <button type="submit" disabled={!form.friendly_name || Object.keys(problems).length > 0}>
        {editing ? 'Save workspace' : 'Create workspace'}
      </button>
      {editing && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  )
}
