// `npm start`: the single-machine platform. The edge (API and dashboard) on Node, with PGlite in
// ORIEL_DATA_DIR unless DATABASE_URL names a Postgres, a local agent when a Docker engine answers and a
// local connection proxy when a guacd answers;
// the parts composed through their public entries. Only this file touches the process.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  bootstrap,
  createEdgeServer,
  edgeConfig,
  errorFields,
  generateEdgeKey,
  jsonLogger,
  migrate,
  nodeSeal,
  openDatabase,
  parseTrustedProxies,
  startControlSocket,
  systemClock,
} from '../../edge/src/node/index'
import { startLocalAgent } from './local-agent'
import { startLocalConnProxy } from './local-conn-proxy'
import { loadTls } from './tls'

const dataDir = resolve(process.env.ORIEL_DATA_DIR ?? './data')
const port = Number(process.env.PORT ?? 8787)
const hostname = process.env.HOST ?? '127.0.0.1'
/** Under a service manager's usual 10 s stop timeout. */
const STOP_DEADLINE_MS = 8_000

/** A secret from the environment, else made once and kept (0600) in the data folder. */
async function persistedSecret(name: string, make: () => Promise<string>): Promise<string> {
  const fromEnv = process.env[name]
  if (fromEnv) return fromEnv
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, name.toLowerCase().replaceAll('_', '-'))
  if (!existsSync(file)) writeFileSync(file, await make(), { mode: 0o600 })
  chmodSync(file, 0o600)
  return readFileSync(file, 'utf8').trim()
}

/** ORIEL_PUBLIC_URL: an http(s) origin, maybe with a path (a reverse proxy's), without query or fragment. */
function readPublicUrl(value: string | undefined): string | undefined {
  if (!value) return undefined
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {}
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash)
    throw new Error(`ORIEL_PUBLIC_URL must be an http or https URL without a query (got ${JSON.stringify(value)})`)
  return value.replace(/\/+$/, '')
}

try {
  const trustedProxies = parseTrustedProxies(process.env.ORIEL_TRUSTED_PROXIES ?? '')
  // Settings that can be wrong are checked before anything is opened or written.
  const configuredPublicUrl = readPublicUrl(process.env.ORIEL_PUBLIC_URL)
  const tls = loadTls(dataDir, process.env)
  const config = edgeConfig(
    {
      SESSION_SECRET: await persistedSecret('SESSION_SECRET', async () =>
        Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
      ),
      EDGE_SIGNING_KEY: await persistedSecret('EDGE_SIGNING_KEY', async () => JSON.stringify(await generateEdgeKey())),
      SECRETS_KEY: await persistedSecret(
        'SECRETS_KEY',
        async () => `k1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`,
      ),
      SESSION_TTL_SECONDS: process.env.SESSION_TTL_SECONDS,
    },
    { seal: nodeSeal },
  )
  const database = await openDatabase(process.env.DATABASE_URL, dataDir, (err) =>
    jsonLogger.warn('database connection lost', errorFields(err)),
  )
  // `npm run backup` reaches the database through this process while it runs (PGlite allows one process).
  const control = await startControlSocket({ dataDir, db: database.db, database: database.kind, env: process.env, log: jsonLogger })
  const ran = await migrate(database.db)
  // An upgrade says what it did to the operator's data (seed 002 §3.4); a first start creates the schema quietly.
  if (ran.length > 0 && !ran.some((tag) => tag.startsWith('0000_')))
    console.log(`Migrated the ${database.kind} database from an earlier release: applied ${ran.join(', ')}`)
  const created = await bootstrap(database.db, {
    adminPassword: process.env.ORIEL_ADMIN_PASSWORD,
    userPassword: process.env.ORIEL_USER_PASSWORD,
  })
  // Shown once, at first start; they are stored only as hashes.
  for (const a of created) console.log(`${a.username} password: ${a.password}`)
  const dashboardDir = resolve(import.meta.dirname, '../../dist/dashboard')
  if (tls?.generated) console.log(`Generated a self-signed TLS certificate: ${tls.certFile} (replace it and its key to use your own)`)
  const agentPort = Number(process.env.ORIEL_AGENT_PORT ?? 8788)
  const proxyPort = Number(process.env.ORIEL_CONN_PROXY_PORT ?? 8789)
  // One origin for everything the browser opens (seed 002 §2): the local agent's and proxy's streams are served
  // under these paths of the platform's own address, so its certificate, or a reverse proxy in front, covers them.
  const local = {
    agent: { prefix: '/local/agent', target: `http://127.0.0.1:${agentPort}` },
    proxy: { prefix: '/local/conn-proxy', target: `http://127.0.0.1:${proxyPort}` },
  }
  let publicUrl = ''
  const memberFetch: typeof fetch = (input, init) => {
    // The edge's own calls to its local members (wake hints, health) go straight to them, not round the public address.
    const url = input instanceof URL ? input.toString() : String(input)
    for (const r of Object.values(local))
      if (publicUrl && url.startsWith(`${publicUrl}${r.prefix}/`))
        return fetch(`${r.target}${url.slice(publicUrl.length + r.prefix.length)}`, init)
    return fetch(input, init)
  }
  const edge = createEdgeServer({
    db: database.db,
    config,
    clock: systemClock,
    log: jsonLogger,
    port,
    hostname,
    trustedProxies,
    metricsToken: process.env.ORIEL_METRICS_TOKEN || undefined,
    ...(tls && { tls: { cert: tls.cert, key: tls.key } }),
    localRoutes: Object.values(local),
    memberFetch,
    loopback: Boolean(tls),
    dashboardDir: existsSync(dashboardDir) ? dashboardDir : undefined,
  })
  const { port: bound, loopbackPort } = await edge.start()
  const shownHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname
  // Where browsers reach this platform: behind a reverse proxy, the proxy's address (seed 002 §4.2).
  publicUrl = configuredPublicUrl ?? `${tls ? 'https' : 'http'}://${shownHost}:${bound}`
  // The local daemons reach the edge on loopback, in plain HTTP when the public port speaks TLS.
  const edgeUrl = `http://127.0.0.1:${loopbackPort ?? bound}`
  const localAgent = await startLocalAgent({
    db: database.db,
    edgeUrl,
    publicUrl: `${publicUrl}${local.agent.prefix}`,
    dataDir,
    gatewayPort: agentPort,
    log: jsonLogger,
  })
  const localProxy = await startLocalConnProxy({
    db: database.db,
    edgeUrl,
    publicUrl: `${publicUrl}${local.proxy.prefix}`,
    dataDir,
    port: proxyPort,
    log: jsonLogger,
  })
  console.log(`Oriel is running at ${publicUrl}/ (database: ${database.kind})`)
  // SIGTERM/SIGINT (a service manager, Ctrl-C, or npm forwarding either): stop polling and serving,
  // close the database, exit. Session containers keep running; the next start adopts them. Whatever
  // hangs, the process is gone within STOP_DEADLINE_MS, so a service manager never has to SIGKILL it.
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    setTimeout(() => {
      console.error(`oriel: not stopped ${STOP_DEADLINE_MS / 1000} s after ${signal}; exiting`)
      process.exit(1)
    }, STOP_DEADLINE_MS).unref()
    void (async () => {
      await control.close()
      await localAgent?.close({ graceMs: 3_000 })
      await localProxy?.close()
      await edge.close()
      await database.close()
    })()
      .then(() => process.exit(0))
      .catch((err) => {
        console.error(`oriel: stopping failed: ${(err as Error).name}`)
        process.exit(1)
      })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
} catch (err) {
  console.error(`oriel: ${(err as Error).message}`)
  process.exit(1)
}
