// The servers page as the admin console mounts it: a small stub, so the console's chunk does not
// carry the SSH key checks (ciphers, bcrypt) or the CSV parser until the page is opened.
import { lazyPage } from '../../../lazy'
import type { AdminServersProps } from './page'

/** `#/admin/servers`: fixed servers, their pools and the bulk import. */
export const AdminServers = lazyPage<AdminServersProps>(() => import('./page').then((m) => m.AdminServersPage), 'the servers page')
