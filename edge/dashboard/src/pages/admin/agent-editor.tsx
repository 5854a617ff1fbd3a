import { useState } from 'preact/hooks'
import { UpdateAgentSchema } from '#schema/contracts'
import { fieldErrors } from '../../validation'

export type Agent = {
  agent_id: string
  name: string
  status: string
  enabled: boolean
  draining: boolean
  last_seen: string | null
  cores: number
  memory: number
  gpus: number
  cores_override: number | null
  memory_override: number | null
  gpus_override: number | null
  labels: string[]
}
export const GiB = 1024 ** 3

/** An empty box means "no override": the agent offers what its host reports. */
const num = (text: string, scale = 1) => (text.trim() === '' ? null : Math.round(Number(text) * scale * 1000) / 1000)

type AgentEditorProps = {
  agent: Agent
  /** Live sessions on this agent: deleting it without force is refused while there are any. */
  held: number
  onSave: (change: Record<string, unknown>) => Promise<boolean>
  onDelete: (force: boolean) => Promise<void>
  onClose: () => void
}

/** Overrides (cores, memory, GPUs), labels, and deletion, for one agent; checked as you type. */
export function AgentEditor({ agent, held, onSave, onDelete, onClose }: AgentEditorProps) {
  const [form, setForm] = useState({
    cores: agent.cores_override === null ? '' : String(agent.cores_override),
    memory_gib: agent.memory_override === null ? '' : String(+(agent.memory_override / GiB).toFixed(3)),
    gpus: agent.gpus_override === null ? '' : String(agent.gpus_override),
    labels: agent.labels.join(', '),
  })
  const [force, setForce] = useState(false)
  const memory = num(form.memory_gib, GiB)
  const change = {
    cores_override: num(form.cores),
    memory_override: memory === null ? null : Math.round(memory),
    gpus_override: num(form.gpus),
    labels: form.labels
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  }
  const problems = fieldErrors(UpdateAgentSchema, { target_agent: { agent_id: agent.agent_id, ...change } }, 'target_agent')
  const box = (key: keyof typeof form, label: string, problem: string | undefined, hint: string) => (
    <label>
      {label}
      <input name={key} value={form[key]} placeholder={hint} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
      {problem && <span class="error">{problem}</span>}
    </label>
  )
  const save = async (e: Event) => {
    e.preventDefault()
    if (await onSave(change)) onClose()
  }
  return (
    <section aria-label={`Agent ${agent.name}`} class="editor">
      <h3>Agent {agent.name}</h3>
      <form class="stacked" aria-label="Edit agent" onSubmit={save}>
        {box('cores', 'Cores override', problems.cores_override, `empty: ${agent.cores} (reported)`)}
        {box('memory_gib', 'Memory override (GiB)', problems.memory_override, `empty: ${(agent.memory / GiB).toFixed(1)} (reported)`)}
        {box('gpus', 'GPU override', problems.gpus_override, `empty: ${agent.gpus} (reported)`)}
        {box('labels', 'Labels (comma-separated)', Object.entries(problems).find(([p]) => p.startsWith('labels'))?.[1], 'e.g. ssd, eu')}
        <p class="note">
          Workspaces that list labels run only on agents carrying them. Overrides replace what the host reports when sessions are placed.
        </p>
        <span class="actions">
          <button type="submit" disabled={Object.keys(problems).length > 0}>
            Save agent
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </span>
      </form>
      <h4>Delete</h4>
      <p class="note">
        The agent is forgotten: to come back it must enrol again with a new registration token. While it holds sessions ({held} now) the
        edge refuses, unless you force it: forcing ends those sessions for their users at once.
      </p>
      <label class="check">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> Force: end its sessions
      </label>
      <button
        class="danger"
        onClick={() => {
          const ends = force && held > 0 ? ` Its ${held} session(s) will end.` : ''
          if (confirm(`Delete agent ${agent.name}?${ends}`)) void onDelete(force)
        }}
      >
        Delete agent
      </button>
    </section>
  )
}
