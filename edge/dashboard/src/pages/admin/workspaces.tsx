import { useEffect, useState } from 'preact/hooks'
import { CreateImageSchema } from '../../../../../schema/src/inputs/images'
import { api, ApiError } from '../../api'
import { fieldErrors } from '../../validation'

type Image = {
  image_id: string; friendly_name: string; name: string | null; description: string | null; cores: number; memory: number
  enabled: boolean; run_config: Record<string, unknown>; persistent_profile_path: string | null; categories: string[]
  gpu_count: number; image_src: string | null; include_labels: string[]; exclude_labels: string[]; restrict_to_zone: boolean; zone_id: string | null
}
type Zone = { zone_id: string; zone_name: string }
const GiB = 1024 ** 3
const blank = {
  friendly_name: '', name: '', description: '', cores: '1', memory_gib: '1', gpu_count: '0', image_src: '', categories: '',
  include_labels: '', exclude_labels: '', zone_id: '', run_config: '{}', persistent_profile_path: '',
}
const list = (text: string) => text.split(',').map((c) => c.trim()).filter(Boolean)
type Form = typeof blank

/** The form as create_image/update_image take it; a JSON error in the run config is reported by field. */
function toTarget(f: Form): { target?: Record<string, unknown>; jsonError?: string } {
  let run_config: unknown
  try {
    run_config = JSON.parse(f.run_config || '{}')
  } catch (err) {
    return { jsonError: `is not valid JSON: ${(err as Error).message}` }
  }
  return {
    target: {
      friendly_name: f.friendly_name,
      name: f.name || null,
      description: f.description || null,
      cores: Number(f.cores),
      memory: Math.round(Number(f.memory_gib) * GiB),
      gpu_count: Number(f.gpu_count),
      image_src: f.image_src || null,
      categories: list(f.categories),
      include_labels: list(f.include_labels),
      exclude_labels: list(f.exclude_labels),
      // A chosen zone restricts the workspace to agents in that zone.
      restrict_to_zone: f.zone_id !== '',
      zone_id: f.zone_id || null,
      run_config,
      persistent_profile_path: f.persistent_profile_path || null,
    },
  }
}

/** Workspaces: list, create and edit with the edge's own rules checked as you type (Docker Run Config keys included). */
export function AdminWorkspaces() {
  const [images, setImages] = useState<Image[]>([])
  const [form, setForm] = useState<Form>(blank)
  const [editing, setEditing] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [zones, setZones] = useState<Zone[]>([])
  const load = () => api<{ images: Image[] }>('get_images').then((r) => setImages(r.images), (e: Error) => setError(e.message))
  useEffect(() => {
    void load()
    api<{ zones: Zone[] }>('get_zones').then((r) => setZones(r.zones), () => {})
  }, [])
  const { target, jsonError } = toTarget(form)
  const problems = form.friendly_name || form.name || form.run_config !== '{}'
    ? { ...(target ? fieldErrors(CreateImageSchema, { target_image: target }, 'target_image') : {}), ...(jsonError ? { run_config: jsonError } : {}) }
    : {}
  const field = (key: keyof Form, label: string, multiline = false) => (
    <label>
      {label}
      {multiline
        ? <textarea name={key} aria-label={label} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
        : <input name={key} aria-label={label} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />}
      {Object.entries(problems).filter(([p]) => p === key || p.startsWith(`${key}.`) || (key === 'memory_gib' && p === 'memory')).map(([p, m]) => (
        <span key={p} class="error">{p === key || key === 'memory_gib' ? m : `${p.slice(key.length + 1)}: ${m}`}</span>
      ))}
    </label>
  )
  const save = async (e: Event) => {
    e.preventDefault()
    if (!target) return
    setError(null)
    try {
      await api(editing ? 'update_image' : 'create_image', { target_image: editing ? { image_id: editing, ...target } : target })
      setForm(blank)
      setEditing(null)
      await load()
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message}` : 'The request failed')
    }
  }
  const edit = (i: Image) => {
    setEditing(i.image_id)
    setForm({
      friendly_name: i.friendly_name, name: i.name ?? '', description: i.description ?? '', cores: String(i.cores),
      memory_gib: String(+(i.memory / GiB).toFixed(2)), gpu_count: String(i.gpu_count), image_src: i.image_src ?? '',
      categories: i.categories.join(', '), include_labels: i.include_labels.join(', '), exclude_labels: i.exclude_labels.join(', '),
      zone_id: i.restrict_to_zone ? i.zone_id ?? '' : '', run_config: JSON.stringify(i.run_config, null, 2),
      persistent_profile_path: i.persistent_profile_path ?? '',
    })
  }
  return (
    <main class="admin">
      <h2>Workspaces</h2>
      <form class="stacked" onSubmit={save} aria-label={editing ? 'Edit workspace' : 'Create workspace'}>
        {field('friendly_name', 'Friendly name')}
        {field('name', 'Docker image')}
        {field('description', 'Description')}
        {field('cores', 'Cores')}
        {field('memory_gib', 'Memory (GiB)')}
        {field('gpu_count', 'GPUs')}
        {field('image_src', 'Thumbnail URL')}
        {field('categories', 'Categories (comma-separated)')}
        {field('include_labels', 'Only agents with labels (comma-separated)')}
        {field('exclude_labels', 'Never agents with labels (comma-separated)')}
        <label>
          Zone
          <select aria-label="Zone" value={form.zone_id} onChange={(e) => setForm({ ...form, zone_id: e.currentTarget.value })}>
            <option value="">Any zone</option>
            {zones.map((z) => <option key={z.zone_id} value={z.zone_id}>{z.zone_name}</option>)}
          </select>
        </label>
        {field('persistent_profile_path', 'Persistent profile path')}
        {field('run_config', 'Docker Run Config (JSON)', true)}
        <button type="submit" disabled={!form.friendly_name || Object.keys(problems).length > 0}>{editing ? 'Save workspace' : 'Create workspace'}</button>
        {editing && <button type="button" onClick={() => (setEditing(null), setForm(blank))}>Cancel</button>}
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      <table>
        <thead><tr><th>Name</th><th>Image</th><th>Cores</th><th>Memory</th><th>State</th><th /></tr></thead>
        <tbody>
          {images.map((i) => (
            <tr key={i.image_id}>
              <td>{i.friendly_name}</td><td>{i.name}</td><td>{i.cores}</td><td>{(i.memory / GiB).toFixed(1)} GiB</td>
              <td>{i.enabled ? 'enabled' : 'disabled'}</td>
              <td class="actions">
                <button onClick={() => edit(i)}>Edit</button>
                <button onClick={() => api('update_image', { target_image: { image_id: i.image_id, enabled: !i.enabled } }).then(load, (e: Error) => setError(e.message))}>{i.enabled ? 'Disable' : 'Enable'}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
