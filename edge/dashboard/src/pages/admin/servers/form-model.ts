// The server form's state and the rules that shape it: which fields a server of this kind shows,
// the row the shared rules check, and what create_server / update_server are sent.
import * as v from 'valibot'
import {
  dashedId,
  SERVER_FIELD_LIST,
  SERVER_FIELDS,
  SERVER_INPUT_FIELDS,
  SERVER_REFS,
  SERVER_SECRET_FIELDS,
  type ServerField,
  type ServerRowContext,
  type ServerSecretField,
} from '#schema/contracts'
import type { ServerPool, ServerView } from './model'

/**
 * A write-only secret: `keep` the one the edge holds (never shown, never sent), `clear` it, or the
 * `typed` value (empty means none). Only a server that has one starts in `keep`.
 */
export type Secret = { mode: 'keep' | 'clear' | 'typed'; value: string }
export const SECRET_FIELDS = SERVER_SECRET_FIELDS
export type SecretField = ServerSecretField

/** One control per server field (the catalogue's): a checkbox for a flag, a secret, else text (numbers are typed as text). */
export type ServerForm = {
  [K in ServerField]: K extends SecretField ? Secret : (typeof SERVER_FIELDS)[K]['stored'] extends 'boolean' ? boolean : string
}

/** A value as its text control shows it: lists comma-separated, objects as indented JSON, nothing as empty. */
const asText = (x: unknown) =>
  x === null || x === undefined ? '' : Array.isArray(x) ? x.join(', ') : typeof x === 'object' ? JSON.stringify(x, null, 2) : String(x)
const isFlag = (k: ServerField) => SERVER_FIELDS[k].stored === 'boolean'
const isSecret = (k: ServerField): k is SecretField => (SECRET_FIELDS as readonly string[]).includes(k)

const NO_REFS: ServerRowContext = { zones: new Map(), pools: new Map(), users: new Map() }
/** What the rules give a field left out: its default, as the form shows it. */
const DEFAULTS = Object.fromEntries(
  SERVER_FIELD_LIST.map(([k, f]) => {
    const x: unknown = v.getDefault(f.rule(NO_REFS))
    return [k, isSecret(k) ? { mode: 'typed', value: '' } : isFlag(k) ? x === true : asText(x)]
  }),
) as ServerForm

export const blankForm = (zone: string): ServerForm => ({
  ...DEFAULTS,
  zone_name: zone,
  connection_type: 'RDP',
  connection_credential_type: 'STATIC',
})

export const formOf = (s: ServerView): ServerForm => {
  const view = s as unknown as Record<string, unknown>
  const form: Record<string, unknown> = {}
  for (const [k, f] of SERVER_FIELD_LIST) {
    const x = view[k]
    form[k] = isSecret(k)
      ? { mode: view[`${k}_set`] ? 'keep' : 'typed', value: '' }
      : isFlag(k)
        ? x
        : // A reference the form names by id (a pool) is keyed by its dashed form, as the row rules key it.
          f.ref && SERVER_REFS[f.ref].id === k && typeof x === 'string'
          ? dashedId(x)
          : asText(x)
  }
  return form as ServerForm
}

/** Fields only some servers have (the Create Server table in Kasm's docs: Servers); the rest are always shown. */
export function hiddenFields(f: ServerForm, pools: readonly ServerPool[]): Set<string> {
  const hidden = new Set<string>()
  // "Only visible with Static Credentials Connection Credential Type."
  if (f.connection_credential_type !== 'STATIC') hidden.add('connection_username').add('connection_password')
  // "This only applies to the SSH Connection type."
  if (f.connection_type !== 'SSH') hidden.add('private_key').add('passphrase').add('use_user_private_key')
  // "This field applies when Connection Credential Type is set to SSO User Accounts."
  if (!f.connection_credential_type.startsWith('SSO_')) hidden.add('sso_username_domain')
  // "Only available for members of Server type Pools."
  const pool = pools.find((p) => dashedId(p.server_pool_id) === f.pool_id)
  if (pool?.server_pool_type !== 'Server') hidden.add('assigned_username')
  return hidden
}

/**
 * Stands in for a stored secret while checking, so "a password is required" rules see that one is
 * set. It is never sent; a key check on it means nothing, so those results are dropped (see below).
 */
export const STORED = '\u0000stored'

/** The row the shared rules check: every column, hidden ones empty so they neither count nor block. */
export function rowOf(f: ServerForm, hidden: ReadonlySet<string>): Record<string, unknown> {
  const secret = (s: Secret) => (s.mode === 'keep' ? STORED : s.mode === 'clear' ? '' : s.value)
  const row: Record<string, unknown> = {}
  for (const k of SERVER_INPUT_FIELDS) row[k] = isSecret(k) ? secret(f[k]) : f[k]
  for (const k of hidden) row[k] = typeof row[k] === 'boolean' ? false : ''
  return row
}

/** Blank text is null, as the edge reads it (Kasm's docs: Servers); a stored secret is left out, which keeps it. */
const wire = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([, x]) => x !== STORED)
      .map(([k, x]) => [k, x === '' ? null : x]),
  )

/** create_server's target_server. */
export const createTarget = (row: Record<string, unknown>) => wire(row)

/**
 * update_server's changes: the columns that differ from the saved server. A field that became
 * hidden, or a secret the admin cleared, is sent as null, so the edge clears it rather than keeping
 * a value that no longer applies (a kept secret is absent from both sides, so never sent).
 */
export function updateChanges(initial: Record<string, unknown>, row: Record<string, unknown>): Record<string, unknown> {
  const before = wire(initial)
  const changes: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(wire(row)))
    if (JSON.stringify(x) !== JSON.stringify(before[k] ?? null) || !(k in before)) changes[k] = x
  return changes
}
