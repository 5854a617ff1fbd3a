import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../../api'

type Setting = { name: string; value: unknown; is_set: boolean; default: unknown; value_type: 'bool' | 'int' | 'string' | 'json'; description: string }
type Named = { id: string; name: string }

/** One group: members, permitted workspaces, and every setting with its type, default and meaning. */
export function AdminGroup({ groupId, grantable }: { groupId: string; grantable: readonly string[] }) {
  const [name, setName] = useState('')
  const [permissions, setPermissions] = useState<string[]>([])
  const [settings, setSettings] = useState<Setting[]>([])
  const [users, setUsers] = useState<(Named & { groups: string[] })[]>([])
  const [images, setImages] = useState<Named[]>([])
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const load = async () => {
    try {
      const [g, p, s, u, i] = await Promise.all([
        api<{ groups: { group_id: string; name: string }[] }>('get_groups'),
        api<{ permissions: string[] }>('get_permissions_group', { target_group: { group_id: groupId } }),
        api<{ settings: Setting[] }>('get_settings_group', { target_group: { group_id: groupId } }),
        api<{ users: { user_id: string; username: string; groups: { group_id: string }[] }[] }>('get_users'),
        api<{ images: { image_id: string; friendly_name: string }[] }>('get_images'),
      ])
      setName(g.groups.find((x) => x.group_id === groupId)?.name ?? '')
      setPermissions(p.permissions)
      setSettings(s.settings)
      setUsers(u.users.map((x) => ({ id: x.user_id, name: x.username, groups: x.groups.map((g) => g.group_id) })))
      setImages(i.images.map((x) => ({ id: x.image_id, name: x.friendly_name })))
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not load the group')
    }
  }
  useEffect(() => void load(), [groupId])
  const act = async (verb: string, body: Record<string, unknown>, done: string) => {
    setError(null)
    setNote(null)
    try {
      await api(verb, { target_group: { group_id: groupId }, ...body })
      setNote(done)
      await load()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The request failed')
    }
  }
  const members = users.filter((u) => u.groups.includes(groupId))
  return (
    <main class="admin">
      <h2>Group: {name}</h2>
      {error && <p role="alert" class="error">{error}</p>}
      {note && <p role="status">{note}</p>}
      <section aria-label="Members">
        <h3>Members</h3>
        <ul>{members.map((u) => <li key={u.id}>{u.name} <button onClick={() => act('remove_user_group', { target_user: { user_id: u.id } }, `Removed ${u.name}`)}>Remove</button></li>)}</ul>
        <Picker label="Add member" options={users.filter((u) => !u.groups.includes(groupId))} onPick={(u) => act('add_user_group', { target_user: { user_id: u.id } }, `Added ${u.name}`)} />
      </section>
      <section aria-label="Workspaces">
        <h3>Workspaces</h3>
        <Picker label="Permit workspace" options={images} onPick={(i) => act('add_images_group', { target_image: { image_id: i.id } }, `Permitted ${i.name}`)} />
      </section>
      <section aria-label="Permissions">
        <h3>Permissions</h3>
        <p class="note">Members hold these. You can grant or withdraw only permissions you hold yourself.</p>
        <div class="permissions">
          {grantable.map((p) => (
            <label key={p} class="check">
              <input type="checkbox" checked={permissions.includes(p)} onChange={(e) => {
                const grant = e.currentTarget.checked
                // Shown at once; the reload after the request puts back the truth if it was refused.
                setPermissions(grant ? [...permissions, p] : permissions.filter((x) => x !== p))
                void act(grant ? 'add_permissions_group' : 'remove_permissions_group', { target_permissions: [p] }, `${grant ? 'Granted' : 'Withdrew'} ${p}`)
              }} />
              {p}
            </label>
          ))}
        </div>
      </section>
      <section aria-label="Settings">
        <h3>Settings</h3>
        <table>
          <thead><tr><th>Setting</th><th>Value</th><th>Default</th><th>Meaning</th></tr></thead>
          <tbody>
            {settings.map((s) => (
              <tr key={s.name}>
                <td><code>{s.name}</code></td>
                <td><SettingEditor setting={s} onSave={(value) => act('update_settings_group', { target_setting: { name: s.name, value } }, `Saved ${s.name}`)} /></td>
                <td>{JSON.stringify(s.default)}</td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  )
}

function Picker({ label, options, onPick }: { label: string; options: Named[]; onPick: (o: Named) => void }) {
  const [id, setId] = useState('')
  return (
    <span class="picker">
      <select aria-label={label} value={id} onChange={(e) => setId(e.currentTarget.value)}>
        <option value="">—</option>
        {options.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
      </select>
      <button disabled={!id} onClick={() => { const o = options.find((x) => x.id === id); if (o) onPick(o); setId('') }}>{label}</button>
    </span>
  )
}

/** An editor by value type; "Default" removes the group's own value (null). */
function SettingEditor({ setting, onSave }: { setting: Setting; onSave: (value: unknown) => void }) {
  const current = setting.is_set ? setting.value : setting.default
  const [text, setText] = useState(setting.value_type === 'json' ? JSON.stringify(current) : String(current ?? ''))
  const [bad, setBad] = useState(false)
  if (setting.value_type === 'bool') {
    return (
      <select aria-label={setting.name} value={setting.is_set ? String(setting.value) : ''} onChange={(e) => onSave(e.currentTarget.value === '' ? null : e.currentTarget.value === 'true')}>
        <option value="">Default</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  }
  const parse = (t: string): unknown => (setting.value_type === 'int' ? Number(t) : setting.value_type === 'json' ? JSON.parse(t) : t)
  return (
    <span>
      <input aria-label={setting.name} value={text} class={bad ? 'invalid' : ''} onInput={(e) => {
        setText(e.currentTarget.value)
        try { parse(e.currentTarget.value); setBad(setting.value_type === 'int' && !/^\d+$/.test(e.currentTarget.value)) } catch { setBad(true) }
      }} />
      <button disabled={bad} onClick={() => onSave(parse(text))}>Save</button>
      {setting.is_set && <button onClick={() => onSave(null)}>Default</button>}
    </span>
  )
}
