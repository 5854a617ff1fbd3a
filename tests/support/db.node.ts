// Fresh database per test file on Node: a PGlite loaded from the template snapshot, or a clone of
// the template database on the real Postgres (chosen by the project's ORIEL_TEST_DB).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { inject } from 'vitest'
import type { Db } from '#schema'
import { openNodePostgres } from '../../edge/src/db/node-postgres'
import { openPglite } from '../../edge/src/db/pglite'
import { TEMPLATE_DB } from './constants'

const pg = createRequire(import.meta.url)('pg') as typeof import('pg')

export type TestDb = { kind: string; db: Db; perRequestDb: () => { db: Db; release?: () => Promise<void> }; close: () => Promise<void> }

export async function openTestDb(): Promise<TestDb> {
  if (process.env.ORIEL_TEST_DB === 'postgres') {
    const base = inject('pgBaseUrl')
    const name = `t_${crypto.randomUUID().replaceAll('-', '')}`
    const admin = new pg.Client({ connectionString: base })
    await admin.connect()
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`)
    const { db, close } = openNodePostgres(base.replace(/\/[^/]*$/, `/${name}`), { max: 5 })
    return {
      kind: 'postgres',
      db,
      perRequestDb: () => ({ db }),
      close: async () => {
        await close()
        await admin.query(`drop database if exists ${name}`)
        await admin.end()
      },
    }
  }
  const snapshot = new Blob([readFileSync(inject('pgliteSnapshot'))])
  const { db, close } = await openPglite(undefined, { loadDataDir: snapshot })
  return { kind: 'pglite', db, perRequestDb: () => ({ db }), close }
}

/**
 * A database handle of this project's kind that cannot be reached, as in an outage: for Postgres a
 * pool aimed at a port nothing listens on (connection refused), for PGlite a closed instance (PGlite
 * lives in the process; being shut is the way it stops answering).
 */
export async function unreachableDb(): Promise<{ db: Db; close: () => Promise<void> }> {
  if (process.env.ORIEL_TEST_DB === 'postgres') return openNodePostgres('postgres://postgres@127.0.0.1:1/oriel', { max: 2 })
  const { db, close } = await openPglite()
  await close()
  return { db, close: async () => {} }
}
