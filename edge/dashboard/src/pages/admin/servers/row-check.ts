import { useEffect, useState } from 'preact/hooks'
import type { RowIssue } from '#schema/contracts'
import { serverRowSchema, validateServerRow, type ServerRowContext } from '#schema/contracts'
import { STORED } from './form-model'

/** A private key's check runs bcrypt or a cipher; waiting for a pause in typing keeps typing smooth. */
const KEY_CHECK_DELAY_MS = 250

/**
 * The row's problems by the edge's own rules (Kasm's docs: Servers), as the import would word them. The key
 * check needs the key and its passphrase; when either stays stored (unknown here), the edge checks
 * the pair on save instead, so what the stand-in would say is dropped.
 */
export async function checkRow(ctx: ServerRowContext, row: Record<string, unknown>): Promise<RowIssue[]> {
  const result = await validateServerRow(serverRowSchema(ctx), row)
  if (result.ok) return []
  const keyUnknown = row.private_key === STORED || row.passphrase === STORED
  return keyUnknown ? result.issues.filter((i) => !/^Invalid (private key|passphrase) \[/.test(i.message)) : result.issues
}

/** checkRow as state, re-run on every change; a late answer for an older row is ignored. */
export function useRowCheck(ctx: ServerRowContext, row: Record<string, unknown>): RowIssue[] {
  const [issues, setIssues] = useState<RowIssue[]>([])
  const key = JSON.stringify([row, [...ctx.zones], [...ctx.pools], [...ctx.users.keys()]])
  useEffect(() => {
    let current = true
    const hasKey = typeof row.private_key === 'string' && row.private_key !== '' && row.private_key !== STORED
    const timer = setTimeout(() => void checkRow(ctx, row).then((i) => current && setIssues(i)), hasKey ? KEY_CHECK_DELAY_MS : 0)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [key])
  return issues
}

/** Each issue under every field it names (a combination shows on each); the rest under the form. */
export function issuesByField(issues: readonly RowIssue[], shown: (field: string) => boolean) {
  const byField = new Map<string, string[]>()
  const other: RowIssue[] = []
  for (const issue of issues) {
    const visible = issue.fields.filter(shown)
    if (visible.length === 0) other.push(issue)
    for (const f of visible) byField.set(f, [...(byField.get(f) ?? []), issue.message])
  }
  return { byField, other }
}
