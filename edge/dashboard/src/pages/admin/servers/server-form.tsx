import { useMemo, useState } from 'preact/hooks'
import { CONNECTION_TYPES, CREDENTIAL_TYPES, dashedId, SERVER_INPUT_FIELDS } from '#schema/contracts'
import { Field, Problems, SecretField } from './fields'
import {
  blankForm,
  createTarget,
  formOf,
  hiddenFields,
  rowOf,
  updateChanges,
  type SecretField as SecretName,
  type ServerForm,
} from './form-model'
import { rowContext, type Refs, type ServerView } from './model'
import { checkRow, issuesByField, useRowCheck } from './row-check'

/** Seed 004's names for the credential types, with the value the API and CSV use. */
const CREDENTIAL_LABELS: Record<string, string> = {
  STATIC: 'Static Credentials',
  SSO_CREATE_USER: 'Dynamic User Accounts',
  SSO_USERNAME: 'SSO User Accounts',
  SMARTCARD: 'Authenticate with Smartcard',
  PROMPT_USER: 'Prompt User',
}
const FORM_FIELDS: ReadonlySet<string> = new Set(SERVER_INPUT_FIELDS)

type ServerFormProps = {
  editing: ServerView | null
  refs: Refs
  /** Resolves true when the edge saved it. */
  onSave: (target: Record<string, unknown>) => Promise<boolean>
  onCancel: () => void
}

/**
 * Create or edit one server with every property of the Create Server table in Kasm's docs: Servers. Problems come
 * from the edge's own row rules as you type: a field's once it is touched, all of them once the
 * admin tries to save (and at once when editing, since every field already has a value).
 */
export function ServerFormView({ editing, refs, onSave, onCancel }: ServerFormProps) {
  const defaultZone = refs.zones?.find((z) => z.zone_name === 'default')?.zone_name ?? refs.zones?.[0]?.zone_name ?? ''
  const [form, setForm] = useState<ServerForm>(() => (editing ? formOf(editing) : blankForm(defaultZone)))
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set())
  const [showAll, setShowAll] = useState(editing !== null)
  const [saving, setSaving] = useState(false)
  const hidden = hiddenFields(form, refs.pools)
  const row = rowOf(form, hidden)
  const initial = useMemo(() => (editing ? rowOf(formOf(editing), hiddenFields(formOf(editing), refs.pools)) : null), [editing])
  const ctx = useMemo(() => rowContext(refs, form), [refs, form.zone_name, form.assigned_username])
  const issues = useRowCheck(ctx, row)
  const relevant = showAll ? issues : issues.filter((i) => i.fields.some((f) => touched.has(f)))
  const { byField, other } = issuesByField(relevant, (f) => FORM_FIELDS.has(f) && !hidden.has(f))
  const errors = (k: string) => byField.get(k)

  const set = <K extends keyof ServerForm>(k: K, value: ServerForm[K]) => {
    setForm((f) => ({ ...f, [k]: value }))
    // A key and its passphrase are checked as a pair, so touching one shows what is wrong with the other.
    const pair = k === 'private_key' ? ['passphrase'] : k === 'passphrase' ? ['private_key'] : []
    setTouched((t) => new Set([...t, k, ...pair]))
  }
  // Numbers are typed as text: the rules word "-1" and "abc" as the import does, not as the browser would.
  const text = (k: keyof ServerForm, label: string) => (
    <Field name={k} label={label} errors={errors(k)}>
      {(aria) => <input {...aria} value={form[k] as string} onInput={(e) => set(k, e.currentTarget.value)} />}
    </Field>
  )
  const check = (k: 'enabled' | 'windows_service_installed' | 'use_user_private_key', label: string) => (
    <label class="check">
      <input type="checkbox" name={k} aria-label={label} checked={form[k]} onChange={(e) => set(k, e.currentTarget.checked)} />
      {label}
      <Problems id={`server-${k}-errors`} messages={errors(k)} />
    </label>
  )
  const secret = (k: SecretName, label: string, multiline = false) => (
    <SecretField
      name={k}
      label={label}
      secret={form[k]}
      wasSet={!!editing?.[`${k}_set` as const]}
      multiline={multiline}
      errors={errors(k)}
      onChange={(s) => set(k, s)}
    />
  )
  const select = (k: keyof ServerForm, label: string, options: readonly (readonly [string, string])[]) => (
    <Field name={k} label={label} errors={errors(k)}>
      {(aria) => (
        <select {...aria} value={form[k] as string} onChange={(e) => set(k, e.currentTarget.value)}>
          {options.map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
        </select>
      )}
    </Field>
  )

  const submit = async (e: Event) => {
    e.preventDefault()
    // Checked afresh, so a save never races the as-you-type check of an older value.
    if ((await checkRow(ctx, row)).length > 0) return setShowAll(true)
    const target = initial ? updateChanges(initial, row) : createTarget(row)
    if (initial && Object.keys(target).length === 0) return onCancel()
    setSaving(true)
    try {
      await onSave(target)
    } finally {
      setSaving(false)
    }
  }
  const shows = (k: string) => !hidden.has(k)
  return (
    <form class="stacked server-form" onSubmit={submit} aria-label={editing ? `Edit server ${editing.name}` : 'Create server'} noValidate>
      <h3>{editing ? `Edit server: ${editing.name}` : 'Add server'}</h3>
      {check('enabled', 'Enabled')}
      {text('name', 'Friendly Name')}
      {refs.zones
        ? select(
            'zone_name',
            'Deployment Zone',
            refs.zones.map((z) => [z.zone_name, z.zone_name] as const),
          )
        : text('zone_name', 'Deployment Zone')}
      {select('pool_id', 'Pool', [
        ['', 'No pool'],
        ...refs.pools.map((p) => [dashedId(p.server_pool_id), `${p.server_pool_name} (${p.server_pool_type})`] as const),
      ])}
      {shows('assigned_username') && (
        <Field name="assigned_username" label="Assigned User" errors={errors('assigned_username')}>
          {(aria) => (
            <>
              <input
                {...aria}
                list={refs.users ? 'server-usernames' : undefined}
                value={form.assigned_username}
                onInput={(e) => set('assigned_username', e.currentTarget.value)}
              />
              {refs.users && (
                <datalist id="server-usernames">
                  {refs.users.map((u) => (
                    <option key={u.user_id} value={u.username} />
                  ))}
                </datalist>
              )}
            </>
          )}
        </Field>
      )}
      {check('windows_service_installed', 'Kasm Desktop Service')}
      {select(
        'connection_type',
        'Connection Type',
        CONNECTION_TYPES.map((t) => [t, t] as const),
      )}
      {text('ip_hostname', 'IP/Hostname')}
      {text('port', 'Connection Port')}
      {select(
        'connection_credential_type',
        'Connection Credential Type',
        CREDENTIAL_TYPES.map((t) => [t, `${CREDENTIAL_LABELS[t]} (${t})`] as const),
      )}
      {shows('sso_username_domain') && text('sso_username_domain', 'SSO Domain')}
      {shows('connection_username') && text('connection_username', 'Connection Username')}
      {shows('connection_password') && secret('connection_password', 'Connection Password')}
      {shows('use_user_private_key') && check('use_user_private_key', 'Use User SSH Key')}
      {shows('private_key') && secret('private_key', 'Connection Private Key', true)}
      {shows('passphrase') && secret('passphrase', 'Connection Private Key Passphrase')}
      <Field name="connection_info" label="Connection Info (JSON)" errors={errors('connection_info')}>
        {(aria) => <textarea {...aria} value={form.connection_info} onInput={(e) => set('connection_info', e.currentTarget.value)} />}
      </Field>
      {text('max_simultaneous_sessions', 'Max Simultaneous Sessions')}
      {text('max_simultaneous_users', 'Max Simultaneous Users')}
      {text('labels', 'Labels (comma-separated)')}
      {other.length > 0 && (
        <ul class="problems" aria-label="Other problems">
          {other.map((i, n) => (
            <li key={n} class="error">
              ({i.fields.join(', ')}) {i.message}
            </li>
          ))}
        </ul>
      )}
      <span class="actions">
        <button type="submit" disabled={saving}>
          {editing ? 'Save server' : 'Create server'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </form>
  )
}
