import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { Db } from '#schema'
import { createSignedEdgeClient, createTokenVerifier, loadIdentity } from '#daemon-kit'
import {
  createConnProxy,
  createEdgeRedeem,
  createProxyServer,
  createRelay,
  probeGuacd,
  watchGuacd,
  type GuacdHealth,
} from '../../conn-proxy/src/index'
import { localAgentToken, setLocalPublicUrl, type Logger } from '../../edge/src/node/index'

/**
 * The single-machine platform's connection proxy (`npm start`, seed 000's single-server install): when
 * a guacd answers at GUACD_HOST:GUACD_PORT (default 127.0.0.1:4822), a proxy runs in this process, one
 * worker (no cluster), enrolled with a short-lived token made directly in the database.
 */
export async function startLocalConnProxy(o: { db: Db; edgeUrl: string; publicUrl: string; dataDir: string; port: number; log: Logger }) {
  if (process.env.ORIEL_LOCAL_CONN_PROXY === '0') return null
  const guacd = { host: process.env.GUACD_HOST || '127.0.0.1', port: Number(process.env.GUACD_PORT || 4822) }
  const first = await probeGuacd(guacd)
  if (!first.ok) {
    o.log.info('no guacd answers; starting without a local connection proxy', { guacd: `${guacd.host}:${guacd.port}` })
    return null
  }
  const dataDir = join(o.dataDir, 'conn-proxy')
  const token = existsSync(join(dataDir, 'identity.json')) ? undefined : await localAgentToken(o.db)
  const publicUrl = o.publicUrl
  let live = { count: 0, kasms: [] as string[] }
  const proxy = createConnProxy({
    config: {
      edgeUrl: o.edgeUrl,
      token,
      dataDir,
      name: `${hostname()} (local)`,
      publicUrl,
      listenHost: '127.0.0.1',
      listenPort: o.port,
      guacd,
      clusterSize: 1,
    },
    log: o.log,
    connections: () => live.count,
    kasms: () => live.kasms,
    onClose: (ids) => ids.forEach((id) => relay.closeKasm(id)),
  })
  const { proxyId } = await proxy.start()
  await setLocalPublicUrl(o.db, 'proxy', proxyId, publicUrl)
  const identity = await loadIdentity(dataDir, 'proxy')
  const verifier = createTokenVerifier(identity)
  const relay = createRelay({
    guacd,
    verify: (t) => verifier(t, 'connect'),
    redeem: createEdgeRedeem(createSignedEdgeClient(o.edgeUrl, identity)),
    log: o.log,
    onCount: (count, kasms) => (live = { count, kasms }),
  })
  let health: GuacdHealth = first
  const stopWatch = watchGuacd(guacd, (h) => (health = h))
  const server = createProxyServer({ host: '127.0.0.1', port: o.port, guacdHealth: () => health, log: o.log, relay })
  await server.listen()
  o.log.info('local connection proxy running', { url: publicUrl, guacd: `${guacd.host}:${guacd.port}` })
  return {
    close: async () => {
      stopWatch()
      await server.close()
      await proxy.close()
    },
  }
}
