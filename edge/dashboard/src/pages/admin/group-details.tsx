import { useState } from 'preact/hooks'
import { UpdateGroupSchema } from '#schema/contracts'
import { fieldErrors } from '../../validation'

export type GroupInfo = { group_id: string; name: string; description: string | null; priority: number }

/** A group's name, description and priority (the lowest number wins when settings conflict), checked as you type. */
export function GroupDetails({ group, onSave }: { group: GroupInfo; onSave: (target: Record<string, unknown>) => Promise<unknown> }) {
  const [form, setForm] = useState({ name: group.name, description: group.description ?? '', priority: String(group.priority) })
  const target = { group_id: group.group_id, name: form.name, description: form.description || null, priority: Number(form.priority) }
  const problems = fieldErrors(UpdateGroupSchema, { target_group: target }, 'target_group')
  const field = (key: keyof typeof form, label: string) => (
    <label>
      {label}
      <input aria-label={label} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
      {problems[key] && <span class="error">{problems[key]}</span>}
    </label>
  )
  return (
    <form
      class="stacked"
      aria-label="Group details"
      onSubmit={(e) => {
        e.preventDefault()
        void onSave(target)
      }}
    >
      {field('name', 'Group name')}
      {field('description', 'Description')}
      {field('priority', 'Priority')}
      <p class="note">When a user's groups set the same setting differently, the group with the lowest priority number wins.</p>
      <button type="submit" disabled={Object.keys(problems).length > 0}>
        Save group
      </button>
    </form>
  )
}
