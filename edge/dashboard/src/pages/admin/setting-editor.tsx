import { useState } from 'preact/hooks'

export type Setting = {
  name: string
  value: unknown
  is_set: boolean
  default: unknown
  value_type: 'bool' | 'int' | 'string' | 'json'
  description: string
}

/** An editor by value type; "Default" removes the group's own value (null). */
export function SettingEditor({ setting, onSave }: { setting: Setting; onSave: (value: unknown) => void }) {
  const current = setting.is_set ? setting.value : setting.default
  const [text, setText] = useState(setting.value_type === 'json' ? JSON.stringify(current) : String(current ?? ''))
  const [bad, setBad] = useState(false)
  if (setting.value_type === 'bool') {
    return (
      <select
        aria-label={setting.name}
        value={setting.is_set ? String(setting.value) : ''}
        onChange={(e) => onSave(e.currentTarget.value === '' ? null : e.currentTarget.value === 'true')}
      >
        <option value="">Default</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  }
  const parse = (t: string): unknown => (setting.value_type === 'int' ? Number(t) : setting.value_type === 'json' ? JSON.parse(t) : t)
  return (
    <span>
      <input
        aria-label={setting.name}
        value={text}
        class={bad ? 'invalid' : ''}
        onInput={(e) => {
          setText(e.currentTarget.value)
          try {
            parse(e.currentTarget.value)
            setBad(setting.value_type === 'int' && !/^\d+$/.test(e.currentTarget.value))
          } catch {
            setBad(true)
          }
        }}
      />
      <button disabled={bad} onClick={() => onSave(parse(text))}>
        Save
      </button>
      {setting.is_set && <button onClick={() => onSave(null)}>Default</button>}
    </span>
  )
}
