// The admin console: one lazily loaded chunk, so the launcher route never pays for its pages or for
// the valibot schemas their forms check as you type.
import { PERMISSION_NAMES } from '#schema/contracts'
import type { Me } from '../../api'
import { AdminAgents } from './agents'
import { AdminApiKeys } from './api-keys'
import { AdminGroup } from './group'
import { AdminGroups } from './groups'
import { AdminProxies } from './proxies'
import { AdminServers } from './servers'
import { AdminSessions } from './sessions'
import { AdminUser } from './user'
import { AdminUsers } from './users'
import { AdminWorkspaces } from './workspaces'
import { AdminZones } from './zones'

/** Nobody can grant what they do not hold: the edge refuses it, so the page offers only the rest. */
const grantable = (me: Me) =>
  me.permissions.includes('global_admin') ? PERMISSION_NAMES : PERMISSION_NAMES.filter((p) => me.permissions.includes(p))

/** The page for `#/admin/<section>[/<id>]`, if the signed-in user may see it. */
export function AdminConsole({ me, section, id }: { me: Me; section: string | undefined; id: string | undefined }) {
  const may = (p: string) => me.permissions.includes('global_admin') || me.permissions.includes(p)
  const page =
    section === 'users' && id && may('users_view') ? (
      <AdminUser userId={id} />
    ) : section === 'users' && may('users_view') ? (
      <AdminUsers />
    ) : section === 'groups' && id && may('groups_view') ? (
      <AdminGroup groupId={id} grantable={grantable(me)} />
    ) : section === 'groups' && may('groups_view') ? (
      <AdminGroups />
    ) : section === 'workspaces' && may('images_view') ? (
      <AdminWorkspaces />
    ) : section === 'agents' && may('agents_view') ? (
      <AdminAgents />
    ) : section === 'connection-proxies' && may('connection_proxies_view') ? (
      <AdminProxies may={may} />
    ) : section === 'sessions' && may('sessions_view') ? (
      <AdminSessions />
    ) : section === 'zones' && may('zones_view') ? (
      <AdminZones />
    ) : section === 'servers' && may('servers_view') ? (
      <AdminServers may={may} />
    ) : section === 'api-keys' && may('devapi_view') ? (
      <AdminApiKeys grantable={grantable(me)} />
    ) : null
  return (
    page ?? (
      <main class="admin">
        <p role="alert" class="error">
          This page does not exist, or you may not see it.
        </p>
      </main>
    )
  )
}
