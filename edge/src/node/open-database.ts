import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '#schema'
import { openNodePostgres } from '../db/node-postgres'
import { openPglite } from '../db/pglite'

/** No URL: PGlite in `<dataDir>/pglite` (the embedded default). A postgres:// URL: node-postgres. */
export async function openDatabase(
  url: string | undefined,
  dataDir: string,
  onConnectionError?: (err: Error) => void,
): Promise<{ db: Db; close: () => Promise<void>; kind: string }> {
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must be a postgres:// URL')
    return { ...openNodePostgres(url, { onConnectionError }), kind: 'postgres' }
  }
  mkdirSync(dataDir, { recursive: true })
  return { ...(await openPglite(join(dataDir, 'pglite'))), kind: 'pglite' }
}
