import { useEffect, useState } from 'preact/hooks'
import { CreateImageSchema } from '../../../../../schema/src/inputs/images'
import { api, ApiError } from '../../api'
import { fieldErrors } from '../../validation'

type Image = {
  image_id: string; friendly_name: string; name: string | null; description: string | null; cores: number; memory: number
  enabled: boolean; run_config: Record<string, unknown>; persistent_profile_path: string | null; categories: string[]
}
const GiB = 1024 ** 3
const blank = { friendly_name: '', name: '', description: '', cores: '1', memory_gib: '1', categories: '', run_config: '{}', persistent_profile_path: '' }
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
      categories: f.categories.split(',').map((c) => c.trim()).filter(Boolean),
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
  const load = () => api<{ images: Image[] }>('get_images').then((r) => setImages(r.images), (e: Error) => setError(e.message))
  useEffect(() => void load(), [])
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
      memory_gib: String(+(i.memory / GiB).toFixed(2)), categories: i.categories.join(', '), run_config: JSON.stringify(i.run_config, null, 2),
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
        {field('categories', 'Categories (comma-separated)')}
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
