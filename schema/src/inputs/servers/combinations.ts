import type { ConnectionType, ServerPoolType } from '../../server-types'
import { MSG, type RowIssue } from './messages'
import type { ServerRow } from './row'

const GUAC_TYPE: Partial<Record<ConnectionType, string>> = { RDP: 'rdp', VNC: 'vnc', SSH: 'ssh' }
const TYPE_CRED = ['connection_type', 'connection_credential_type']

// Module-level rather than a closure per call: this runs for every row of a 10,000-row import.
const add = (out: RowIssue[], fields: string[], raw: string) => void out.push({ fields, message: MSG.combination(raw) })

/** Seed 004's "Valid Credential Type Combinations", and the rules between fields of one server. */
export function combinationIssues(r: ServerRow, ctx: { pools: ReadonlyMap<string, { type: ServerPoolType }> }): RowIssue[] {
  const out: RowIssue[] = []
  const type = r.connection_type
  const cred = r.connection_credential_type
  if (type === 'KasmVNC') {
    if (cred !== 'STATIC') add(out, TYPE_CRED, 'KasmVNC connections require STATIC credentials')
    else if (!r.connection_username || !r.connection_password) {
      add(out, ['connection_username', 'connection_password'], 'KasmVNC connections require a connection_username and connection_password')
    }
  }
  if (type === 'VNC' && cred !== 'STATIC') add(out, TYPE_CRED, 'VNC connections only support STATIC credentials')
  if (type === 'SSH' && cred !== 'STATIC' && cred !== 'SSO_USERNAME')
    add(out, TYPE_CRED, 'SSH connections support STATIC and SSO_USERNAME credentials')
  if (cred === 'SSO_CREATE_USER' && !r.windows_service_installed) {
    add(
      out,
      ['connection_credential_type', 'windows_service_installed'],
      'SSO_CREATE_USER credentials require windows_service_installed to be true',
    )
  }
  if (cred !== 'STATIC' && (r.connection_username || r.connection_password)) {
    add(
      out,
      ['connection_credential_type', 'connection_username', 'connection_password'],
      'A connection username and password apply only to STATIC credentials',
    )
  }
  if (type !== 'SSH') {
    if (r.private_key || r.passphrase) add(out, ['connection_type', 'private_key'], 'A private key applies only to SSH connections')
    if (r.use_user_private_key) add(out, ['connection_type', 'use_user_private_key'], "The user's SSH key applies only to SSH connections")
  } else {
    if (r.passphrase && !r.private_key) add(out, ['passphrase', 'private_key'], 'A passphrase needs a private key')
    if (r.private_key && r.use_user_private_key)
      add(out, ['private_key', 'use_user_private_key'], "Use either the user's SSH key or a private key, not both")
  }
  if (r.assigned_username && (!r.pool_id || ctx.pools.get(r.pool_id)?.type !== 'Server')) {
    add(out, ['assigned_username', 'pool_id'], 'User assignment requires a Server Pool')
  }
  const guacType = r.connection_info?.guac.type.toLowerCase()
  const expected = GUAC_TYPE[type]
  if (guacType && guacType !== expected) {
    add(
      out,
      ['connection_info', 'connection_type'],
      expected
        ? `Connection info of type ${guacType} does not fit a ${type} connection`
        : `${type} connections take no guac connection info`,
    )
  }
  return out
}
