import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, type Me } from './api'
import { Connect, LoginLink } from './pages/connect'
import { Join } from './pages/join'
import { Login } from './pages/login'
import { Session } from './pages/session'
import { Settings } from './pages/settings'
import { Workspaces } from './pages/workspaces'
import { go, useRoute } from './router'
import './styles.css'

/** Who is signed in, kept for this tab only; the cookie is what authenticates. */
const ME_KEY = 'oriel.me'
const loadMe = (): Me | null => JSON.parse(sessionStorage.getItem(ME_KEY) ?? 'null') as Me | null

type AdminModule = typeof import('./pages/admin/console')
/** Loaded on the first visit to an admin page, then kept for the life of the tab. */
let adminModule: Promise<AdminModule> | undefined
let adminLoaded: AdminModule | null = null

function Admin({ me, section, id }: { me: Me; section: string | undefined; id: string | undefined }) {
  const [mod, setMod] = useState<AdminModule | null>(adminLoaded)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    if (mod) return
    ;(adminModule ??= import('./pages/admin/console')).then(
      (m) => setMod((adminLoaded = m)),
      () => {
        adminModule = undefined
        setFailed(true)
      },
    )
  }, [])
  if (failed)
    return (
      <main class="admin">
        <p role="alert" class="error">
          Could not load the admin console; reload the page to try again.
        </p>
      </main>
    )
  return mod ? (
    <mod.AdminConsole me={me} section={section} id={id} />
  ) : (
    <main class="admin">
      <p>Loading…</p>
    </main>
  )
}

function App() {
  const [me, setMe] = useState<Me | null>(loadMe)
  const route = useRoute()
  const signedIn = (m: Me) => (sessionStorage.setItem(ME_KEY, JSON.stringify(m)), setMe(m))
  if (route[0] === 'connect' && route[1] === 'kasm' && route.length === 5) {
    return <Connect kasmId={route[2]!} userId={route[3]!} token={route[4]!} onSignedIn={signedIn} />
  }
  if (route[0] === 'login-link' && route.length === 2) return <LoginLink token={route[1]!} onSignedIn={signedIn} />
  const [page, id, sub] = route
  // A share link opened signed out: sign-in keeps the address, so the join page follows it.
  if (!me) return <Login onSignedIn={signedIn} note={page === 'join' ? 'Sign in to open the session shared with you.' : undefined} />
  const forget = () => (sessionStorage.removeItem(ME_KEY), setMe(null))
  const signOut = async () => {
    await api('logout').catch(() => {})
    forget()
  }
  const may = (p: string) => me.permissions.includes('global_admin') || me.permissions.includes(p)
  const body =
    page === 'session' && id ? (
      <Session kasmId={id} />
    ) : page === 'join' && id ? (
      <Join shareId={id} onSignedOut={forget} />
    ) : page === 'settings' ? (
      <Settings me={me} />
    ) : page === 'admin' ? (
      <Admin me={me} section={id} id={sub} />
    ) : (
      <Workspaces />
    )
  return (
    <>
      <header>
        <a href="#/workspaces" class="brand">
          Oriel
        </a>
        {may('users_view') && <a href="#/admin/users">Users</a>}
        {may('groups_view') && <a href="#/admin/groups">Groups</a>}
        {may('images_view') && <a href="#/admin/workspaces">Workspaces</a>}
        {may('agents_view') && <a href="#/admin/agents">Agents</a>}
        {may('connection_proxies_view') && <a href="#/admin/connection-proxies">Connection proxies</a>}
        {may('sessions_view') && <a href="#/admin/sessions">Sessions</a>}
        {may('zones_view') && <a href="#/admin/zones">Zones</a>}
        {may('servers_view') && <a href="#/admin/servers">Servers</a>}
        {may('devapi_view') && <a href="#/admin/api-keys">API keys</a>}
        <a href="#/settings" class="who">
          {me.username}
        </a>
        <button onClick={signOut}>Sign out</button>
      </header>
      {body}
    </>
  )
}

if (!location.hash) go('workspaces')
render(<App />, document.getElementById('app')!)
