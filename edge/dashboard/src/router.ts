import { useEffect, useState } from 'preact/hooks'

/** Hash routes, so Kasm-style deep links (`/#/connect/kasm/<kasm_id>/<user_id>/<token>`) work. */
export function useRoute(): string[] {
  const parse = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const [route, setRoute] = useState(parse)
  useEffect(() => {
    const on = () => setRoute(parse())
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}

export const go = (path: string) => void (location.hash = `#/${path}`)
