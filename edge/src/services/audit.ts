import { auditLog, type DbOrTx } from '#schema'
import type { Caller } from './auth/caller'

/** Records a change in the audit log, inside the change's own transaction. Never pass secrets in `details`. */
export async function audit(
  db: DbOrTx,
  caller: Caller | null,
  action: string,
  target: { type: string; id: string } | null,
  details?: Record<string, unknown>,
): Promise<void> {
  await db.insert(auditLog).values({
    actorUserId: caller?.userId ?? null,
    actorApiKeyId: caller?.apiKeyId ?? null,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    details: details ?? null,
  })
}
