import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, ApiError, type KasmSummary, type Workspace } from '../api'
import { go } from '../router'

/** The workspaces the user's groups allow, with search and a category filter. */
export function Workspaces() {
  const [items, setItems] = useState<Workspace[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [category, setCategory] = useState('')
  const [launching, setLaunching] = useState<string | null>(null)
  const [sessions, setSessions] = useState<KasmSummary[]>([])
  useEffect(() => {
    api<{ images: Workspace[] }>('get_images').then(
      (r) => setItems(r.images),
      (e: Error) => setError(e.message),
    )
    api<{ kasms: KasmSummary[] }>('get_kasms').then(
      (r) => setSessions(r.kasms),
      () => {},
    )
  }, [])
  const categories = useMemo(() => [...new Set((items ?? []).flatMap((i) => i.categories))].sort(), [items])
  const shown = (items ?? []).filter(
    (i) => i.enabled && (!category || i.categories.includes(category)) && i.friendly_name.toLowerCase().includes(query.toLowerCase()),
  )
  const launch = async (w: Workspace) => {
    setLaunching(w.image_id)
    setError(null)
    try {
      // As Kasm's UI does: the desktop follows the browser's language and time zone.
      const r = await api<{ kasm_id: string }>('request_kasm', {
        image_id: w.image_id,
        client_language: navigator.language,
        client_timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      })
      go(`session/${r.kasm_id}`)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The launch failed')
      setLaunching(null)
    }
  }
  return (
    <main class="workspaces">
      <div class="toolbar">
        <input
          type="search"
          placeholder="Search workspaces"
          aria-label="Search workspaces"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <select aria-label="Category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {sessions.length > 0 && (
        <section aria-label="Your sessions" class="sessions">
          <h2>Your sessions</h2>
          <ul>
            {sessions.map((k) => (
              <li key={k.kasm_id}>
                <a href={`#/session/${k.kasm_id}`}>{k.image_name ?? 'Session'}</a> <span class="state">{k.operational_status}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {items === null ? (
        <p>Loading…</p>
      ) : shown.length === 0 ? (
        <p>No workspaces are available to you.</p>
      ) : (
        <ul class="grid">
          {shown.map((w) => {
            const face = (
              <>
                {w.image_src ? (
                  <img src={w.image_src} alt="" />
                ) : (
                  <span class="glyph" aria-hidden="true">
                    ▣
                  </span>
                )}
                <strong>{w.friendly_name}</strong>
                {w.description && <span class="description">{w.description}</span>}
              </>
            )
            // A Link workspace is a bookmark: it opens its URL (http or https only, as the edge requires) instead of a session.
            const href = w.image_type === 'Link' && w.link_url && /^https?:\/\//.test(w.link_url) ? w.link_url : null
            return (
              <li key={w.image_id}>
                {href ? (
                  <a class="tile" href={href} target="_blank" rel="noopener noreferrer" aria-label={`Open ${w.friendly_name}`}>
                    {face}
                  </a>
                ) : (
                  <button class="tile" onClick={() => launch(w)} disabled={launching !== null} aria-label={`Launch ${w.friendly_name}`}>
                    {face}
                    {launching === w.image_id && <span class="busy">Starting…</span>}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </main>
  )
}
