// Fresh database per test file inside workerd: a clone of the template on the real Postgres, reached
// the way the Worker reaches Neon: the serverless driver over WebSocket, a new pool per request.
import { env } from 'cloudflare:test'
import type { Db } from '#schema'
import { openNeon } from '../../edge/src/db/neon'
import { TEMPLATE_DB } from './constants'

export type TestDb = { kind: string; db: Db; perRequestDb: () => { db: Db; release?: () => Promise<void> }; close: () => Promise<void> }

const bindings = env as unknown as { PG_BASE_URL: string; WS_PROXY: string }

export async function openTestDb(): Promise<TestDb> {
  const name = `t_${crypto.randomUUID().replaceAll('-', '')}`
  const admin = openNeon(bindings.PG_BASE_URL, bindings.WS_PROXY)
  await admin.db.execute(`create database ${name} template ${TEMPLATE_DB}`)
  await admin.release()
  const url = bindings.PG_BASE_URL.replace(/\/[^/]*$/, `/${name}`)
  const own = openNeon(url, bindings.WS_PROXY)
  return {
    kind: 'workerd',
    db: own.db,
    perRequestDb: () => openNeon(url, bindings.WS_PROXY),
    close: async () => {
      await own.release()
      const dropper = openNeon(bindings.PG_BASE_URL, bindings.WS_PROXY)
      await dropper.db.execute(`drop database if exists ${name} with (force)`)
      await dropper.release()
    },
  }
}

/** Neon's driver aimed (through the WebSocket proxy) at a port nothing listens on, as in an outage. */
export async function unreachableDb(): Promise<{ db: Db; close: () => Promise<void> }> {
  const { db, release } = openNeon('postgres://postgres@127.0.0.1:1/oriel', bindings.WS_PROXY)
  return { db, close: release }
}
