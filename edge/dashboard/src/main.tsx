import { render } from 'preact'
import { useState } from 'preact/hooks'
import { api, type Me } from './api'
import { PERMISSION_NAMES } from '../../../schema/src/permissions'
import { AdminApiKeys } from './pages/admin/api-keys'
import { AdminAgents } from './pages/admin/agents'
import { AdminZones } from './pages/admin/zones'
import { AdminGroup } from './pages/admin/group'
import { AdminSessions } from './pages/admin/sessions'
import { AdminWorkspaces } from './pages/admin/workspaces'
import { AdminGroups } from './pages/admin/groups'
import { AdminUsers } from './pages/admin/users'
import { Connect } from './pages/connect'
import { Login } from './pages/login'
import { Session } from './pages/session'
import { Settings } from './pages/settings'
import { Workspaces } from './pages/workspaces'
import { go, useRoute } from './router'
import './styles.css'

/** Who is signed in, kept for this tab only; the cookie is what authenticates. */
const ME_KEY = 'oriel.me'
const loadMe = (): Me | null => JSON.parse(sessionStorage.getItem(ME_KEY) ?? 'null') as Me | null

/** Nobody can grant what they do not hold: the edge refuses it, so the page offers only the rest. */
const grantable = (me: Me) => (me.permissions.includes('global_admin') ? PERMISSION_NAMES : PERMISSION_NAMES.filter((p) => me.permissions.includes(p)))

function App() {
  const [me, setMe] = useState<Me | null>(loadMe)
  const route = useRoute()
  const signedIn = (m: Me) => (sessionStorage.setItem(ME_KEY, JSON.stringify(m)), setMe(m))
  if (route[0] === 'connect' && route[1] === 'kasm' && route.length === 5) {
    return <Connect kasmId={route[2]!} userId={route[3]!} token={route[4]!} onSignedIn={signedIn} />
  }
  if (!me) return <Login onSignedIn={signedIn} />
  const signOut = async () => {
    await api('logout').catch(() => {})
    sessionStorage.removeItem(ME_KEY)
    setMe(null)
  }
  const [page, id, sub] = route
  const may = (p: string) => me.permissions.includes('global_admin') || me.permissions.includes(p)
  const body =
    page === 'session' && id ? <Session kasmId={id} />
    : page === 'settings' ? <Settings me={me} />
    : page === 'admin' && id === 'users' && may('users_view') ? <AdminUsers />
    : page === 'admin' && id === 'groups' && sub && may('groups_view') ? <AdminGroup groupId={sub} grantable={grantable(me)} />
    : page === 'admin' && id === 'groups' && may('groups_view') ? <AdminGroups />
    : page === 'admin' && id === 'workspaces' && may('images_view') ? <AdminWorkspaces />
    : page === 'admin' && id === 'agents' && may('agents_view') ? <AdminAgents />
    : page === 'admin' && id === 'sessions' && may('sessions_view') ? <AdminSessions />
    : page === 'admin' && id === 'zones' && may('zones_view') ? <AdminZones />
    : page === 'admin' && id === 'api-keys' && may('devapi_view') ? <AdminApiKeys grantable={grantable(me)} />
    : <Workspaces />
  return (
    <>
      <header>
        <a href="#/workspaces" class="brand">Oriel</a>
        {may('users_view') && <a href="#/admin/users">Users</a>}
        {may('groups_view') && <a href="#/admin/groups">Groups</a>}
        {may('images_view') && <a href="#/admin/workspaces">Workspaces</a>}
        {may('agents_view') && <a href="#/admin/agents">Agents</a>}
        {may('sessions_view') && <a href="#/admin/sessions">Sessions</a>}
        {may('zones_view') && <a href="#/admin/zones">Zones</a>}
        {may('devapi_view') && <a href="#/admin/api-keys">API keys</a>}
        <a href="#/settings" class="who">{me.username}</a>
        <button onClick={signOut}>Sign out</button>
      </header>
      {body}
    </>
  )
}

if (!location.hash) go('workspaces')
render(<App />, document.getElementById('app')!)
