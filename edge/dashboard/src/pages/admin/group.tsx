import { useEffect, useState } from 'preact/hooks'
import { Feedback, failure, useAction } from '../../action'
import { api } from '../../api'
import { Picker, type Named } from '../../components/picker'
import { DataTable, type Column } from '../../table'
import { GroupDetails, type GroupInfo } from './group-details'
import { SettingEditor, type Setting } from './setting-editor'

type Permitted = { image_id: string; friendly_name: string; image_type: string; enabled: boolean }

/** One group: members, permitted workspaces, and every setting with its type, default and meaning. */
export function AdminGroup({ groupId, grantable }: { groupId: string; grantable: readonly string[] }) {
  const [info, setInfo] = useState<GroupInfo | null>(null)
  const [permissions, setPermissions] = useState<string[]>([])
  const [settings, setSettings] = useState<Setting[]>([])
  // null: the admin lacks users_view, so members cannot be listed (the rest of the page still works).
  const [users, setUsers] = useState<(Named & { groups: string[] })[] | null>([])
  const [images, setImages] = useState<Named[]>([])
  const [permitted, setPermitted] = useState<Permitted[]>([])
  const group = { target_group: { group_id: groupId } }
  const load = async () => {
    try {
      const [g, p, s, u, i, gi] = await Promise.all([
        api<{ groups: GroupInfo[] }>('get_groups'),
        api<{ permissions: string[] }>('get_permissions_group', group),
        api<{ settings: Setting[] }>('get_settings_group', group),
        api<{ users: { user_id: string; username: string; groups: { group_id: string }[] }[] }>('get_users').catch(() => null),
        api<{ images: { image_id: string; friendly_name: string }[] }>('get_images'),
        api<{ images: Permitted[] }>('get_images_group', group),
      ])
      setInfo(g.groups.find((x) => x.group_id === groupId) ?? null)
      setPermissions(p.permissions)
      setSettings(s.settings)
      setUsers(u && u.users.map((x) => ({ id: x.user_id, name: x.username, groups: x.groups.map((g) => g.group_id) })))
      setImages(i.images.map((x) => ({ id: x.image_id, name: x.friendly_name })))
      setPermitted(gi.images)
    } catch (err) {
      setError(failure(err, 'Could not load the group'))
    }
  }
  const { error, note, run, setError } = useAction(load)
  useEffect(() => void load(), [groupId])
  const act = (verb: string, body: Record<string, unknown>, done: string) => run(verb, { ...group, ...body }, done)
  const members = (users ?? []).filter((u) => u.groups.includes(groupId))
  const isPermitted = new Set(permitted.map((i) => i.image_id))
  const workspaceColumns: Column<Permitted>[] = [
    { label: 'Workspace', sort: (i) => i.friendly_name, cell: (i) => i.friendly_name },
    { label: 'Type', sort: (i) => i.image_type, cell: (i) => i.image_type },
    { label: 'State', sort: (i) => (i.enabled ? 'enabled' : 'disabled'), cell: (i) => (i.enabled ? 'enabled' : 'disabled') },
    {
      label: 'Actions',
      class: 'actions',
      cell: (i) => (
        <button onClick={() => act('remove_images_group', { target_image: { image_id: i.image_id } }, `Withdrew ${i.friendly_name}`)}>
          Remove {i.friendly_name}
        </button>
      ),
    },
  ]
  const settingColumns: Column<Setting>[] = [
    { label: 'Setting', sort: (s) => s.name, cell: (s) => <code>{s.name}</code> },
    {
      label: 'Value',
      cell: (s) => (
        <SettingEditor
          setting={s}
          onSave={(value) => act('update_settings_group', { target_setting: { name: s.name, value } }, `Saved ${s.name}`)}
        />
      ),
    },
    { label: 'Default', cell: (s) => JSON.stringify(s.default) },
    { label: 'Meaning', cell: (s) => s.description },
  ]
  return (
    <main class="admin">
      <h2>Group: {info?.name}</h2>
      <Feedback error={error} note={note} />
      {/* Keyed by what was loaded, so a save that the edge changed or refused shows the stored values. */}
      {info && (
        <GroupDetails
          key={`${info.name}|${info.priority}|${info.description}`}
          group={info}
          onSave={(t) => act('update_group', { target_group: t }, 'Saved the group')}
        />
      )}
      <section aria-label="Members">
        <h3>Members</h3>
        {users === null && <p class="note">Listing members needs the users_view permission.</p>}
        <ul>
          {members.map((u) => (
            <li key={u.id}>
              {u.name}{' '}
              <button onClick={() => act('remove_user_group', { target_user: { user_id: u.id } }, `Removed ${u.name}`)}>Remove</button>
            </li>
          ))}
        </ul>
        {users && (
          <Picker
            label="Add member"
            options={users.filter((u) => !u.groups.includes(groupId))}
            onPick={(u) => act('add_user_group', { target_user: { user_id: u.id } }, `Added ${u.name}`)}
          />
        )}
      </section>
      <section aria-label="Workspaces">
        <h3>Workspaces</h3>
        <p class="note">Members may launch these (when enabled).</p>
        <DataTable label="Permitted workspaces" rows={permitted} columns={workspaceColumns} rowKey={(i) => i.image_id} />
        <Picker
          label="Permit workspace"
          options={images.filter((i) => !isPermitted.has(i.id))}
          onPick={(i) => act('add_images_group', { target_image: { image_id: i.id } }, `Permitted ${i.name}`)}
        />
      </section>
      <section aria-label="Permissions">
        <h3>Permissions</h3>
        <p class="note">Members hold these. You can grant or withdraw only permissions you hold yourself.</p>
        <div class="permissions">
          {grantable.map((p) => (
            <label key={p} class="check">
              <input
                type="checkbox"
                checked={permissions.includes(p)}
                onChange={(e) => {
                  const grant = e.currentTarget.checked
                  // Shown at once; the reload after the request puts back the truth if it was refused.
                  setPermissions(grant ? [...permissions, p] : permissions.filter((x) => x !== p))
                  void act(
                    grant ? 'add_permissions_group' : 'remove_permissions_group',
                    { target_permissions: [p] },
                    `${grant ? 'Granted' : 'Withdrew'} ${p}`,
                  )
                }}
              />
              {p}
            </label>
          ))}
        </div>
      </section>
      <section aria-label="Settings">
        <h3>Settings</h3>
        <DataTable
          label="Settings"
          rows={settings}
          columns={settingColumns}
          rowKey={(s) => s.name}
          initialSort={{ column: -1, desc: false }}
          pageSize={100}
        />
      </section>
    </main>
  )
}
