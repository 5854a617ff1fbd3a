import { useState } from 'preact/hooks'

export type Named = { id: string; name: string }

/** A select of options and a button named for the action; the button stays off until one is chosen. */
export function Picker({ label, options, onPick }: { label: string; options: Named[]; onPick: (o: Named) => void }) {
  const [id, setId] = useState('')
  return (
    <span class="picker">
      <select aria-label={label} value={id} onChange={(e) => setId(e.currentTarget.value)}>
        <option value="">—</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={!id}
        onClick={() => {
          const o = options.find((x) => x.id === id)
          if (o) onPick(o)
          setId('')
        }}
      >
        {label}
      </button>
    </span>
  )
}
