import { and, eq } from 'drizzle-orm'
import { connectionProxies, type ConnectionProxy, type DbOrTx } from '#schema'
import { memberUrl } from '../fleet/endpoint'

/** How long one proxy's health check may take before the next proxy is tried. */
const HEALTH_TIMEOUT_MS = 1_500

/** Asks a proxy's `/health` (200 only while its guacd answers). */
export type HealthCheck = (proxy: Pick<ConnectionProxy, 'publicUrl'>) => Promise<boolean>

export const checkHealth = async (proxy: Pick<ConnectionProxy, 'publicUrl'>, get: typeof fetch = fetch) => {
  try {
    const res = await get(memberUrl(proxy.publicUrl, '/health'), { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })
    await res.body?.cancel()
    return res.ok
  } catch {
    return false
  }
}

/** Fisher–Yates with the platform's CSPRNG: the order must not favour a proxy. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items]
  const r = new Uint32Array(out.length)
  crypto.getRandomValues(r)
  for (let i = out.length - 1; i > 0; i--) {
    const j = r[i]! % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/**
 * Seed 000's choice: the zone's proxies in random order, the first whose health check answers. With
 * two or more per zone this spreads connections and fails over when one stops answering; a browser
 * that lost its proxy asks again and is sent to one that answers.
 */
export async function chooseProxy(db: DbOrTx, zoneId: string, health: HealthCheck = checkHealth): Promise<ConnectionProxy | null> {
  const candidates = await db
    .select()
    .from(connectionProxies)
    .where(
      and(
        eq(connectionProxies.zoneId, zoneId),
        eq(connectionProxies.enabled, true),
        eq(connectionProxies.draining, false),
        eq(connectionProxies.status, 'online'),
      ),
    )
  for (const proxy of shuffled(candidates)) if (await health(proxy)) return proxy
  return null
}
