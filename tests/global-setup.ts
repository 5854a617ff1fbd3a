// Runs once, in Node, before every project: one real Postgres with a migrated, bootstrapped template
// database (each test file clones it), a PGlite snapshot of the same, and the ws→TCP proxy that
// lets the Neon driver inside workerd reach that Postgres.
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { migrate } from '../schema/src/migrate'
import { openNodePostgres } from '../edge/src/db/node-postgres'
import { openPglite } from '../edge/src/db/pglite'
import { bootstrap } from '../edge/src/services/bootstrap'
import { TEMPLATE_ADMIN_PASSWORD, TEMPLATE_DB, TEMPLATE_USER_PASSWORD, WORKER_DB } from './support/constants'
import { startPostgres } from './support/postgres'
import { startWsProxy } from './support/ws-proxy'

const pg = createRequire(import.meta.url)('pg') as typeof import('pg')
const seedOptions = { adminPassword: TEMPLATE_ADMIN_PASSWORD, userPassword: TEMPLATE_USER_PASSWORD }

declare module 'vitest' {
  export interface ProvidedContext {
    pgBaseUrl: string
    pgliteSnapshot: string
    wsProxyPort: number
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.ORIEL_TEST_PG_URL
  const server = external ? null : await startPostgres()
  const baseUrl = external ?? server!.url()
  const dbUrl = (name: string) => baseUrl.replace(/\/[^/]*$/, `/${name}`)

  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${WORKER_DB}`)
  await admin.query(`drop database if exists ${TEMPLATE_DB}`)
  await admin.query(`create database ${TEMPLATE_DB}`)
  const template = openNodePostgres(dbUrl(TEMPLATE_DB), { max: 2 })
  await migrate(template.db)
  await bootstrap(template.db, seedOptions)
  await template.close()
  await admin.query(`create database ${WORKER_DB} template ${TEMPLATE_DB}`)
  await admin.end()

  const dir = mkdtempSync(join(tmpdir(), 'oriel-pglite-'))
  const lite = await openPglite()
  await migrate(lite.db)
  await bootstrap(lite.db, seedOptions)
  const snapshot = join(dir, 'template.tar.gz')
  writeFileSync(snapshot, Buffer.from(await (await lite.client.dumpDataDir('gzip')).arrayBuffer()))
  await lite.close()

  const proxy = await startWsProxy()
  project.provide('pgBaseUrl', baseUrl)
  project.provide('pgliteSnapshot', snapshot)
  project.provide('wsProxyPort', proxy.port)

  return async () => {
    await proxy.close()
    server?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
