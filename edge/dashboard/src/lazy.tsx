import type { ComponentChildren, FunctionComponent, VNode } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/**
 * A page whose code is fetched on its first visit and kept for the life of the tab, so heavy pages
 * (the servers page carries the SSH key checks and a CSV parser) cost nothing until opened.
 * Without preact/compat's lazy/Suspense, which would add compat to the bundle for one use. `frame` holds
 * the loading and failure notes (an admin page's by default).
 */
export function lazyPage<P extends object>(
  load: () => Promise<FunctionComponent<P>>,
  what: string,
  frame: (note: ComponentChildren) => VNode = (note) => <main class="admin">{note}</main>,
): FunctionComponent<P> {
  let loading: Promise<FunctionComponent<P>> | undefined
  let loaded: FunctionComponent<P> | null = null
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<FunctionComponent<P> | null>(() => loaded)
    const [failed, setFailed] = useState(false)
    useEffect(() => {
      if (Page) return
      ;(loading ??= load()).then(
        (p) => setPage(() => (loaded = p)),
        () => {
          // Forget the failed attempt, so a later visit (after a deploy, or back online) tries again.
          loading = undefined
          setFailed(true)
        },
      )
    }, [])
    if (failed)
      return frame(
        <p role="alert" class="error">
          Could not load {what}; reload the page to try again.
        </p>,
      )
    return Page ? <Page {...props} /> : frame(<p>Loading…</p>)
  }
}
