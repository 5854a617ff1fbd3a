import { formatIssues, serverRowSchema, validateServerRow, type RowIssue, type ServerRow } from '#schema'
import { ApiError } from '../../errors'
import type { ServerRefs } from './context'

/** One server's fields through the shared rules; a failure is a 400 naming every problem. */
export async function validateOne(raw: Record<string, unknown>, refs: ServerRefs): Promise<ServerRow> {
  const result = await validateServerRow(serverRowSchema(refs), raw)
  if (result.ok) return result.value
  throw ApiError.invalid(
    `Invalid server: ${formatIssues(result.issues)}`,
    `target_server.${result.issues[0]!.fields[0]}`,
    issuesByField(result.issues),
  )
}

function issuesByField(issues: readonly RowIssue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const i of issues) (out[`target_server.${i.fields.join(', ')}`] ??= []).push(i.message)
  return out
}
