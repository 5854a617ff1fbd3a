// What the PGlite backup tests start from: an Oriel data folder on disk, as `npm start` leaves it, with fresh
// keys in its files and a database filled with one of everything a backup must carry (fillOriel).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { migrate } from '#schema'
import { openPglite } from '../../../edge/src/db/pglite'
import { bootstrap } from '../../../edge/src/services/bootstrap'
import { ADMIN_PASSWORD, dumpTables, fillOriel, harness, writeFreshSecrets } from '../../support/backup-fixture'

/** Makes the data folder; answers with the harness (closed database), what was filled, every row, and the keys. */
export async function fillPgliteDataDir(dataDir: string) {
  mkdirSync(join(dataDir, 'pglite'), { recursive: true })
  const keys = await writeFreshSecrets(dataDir)
  const lite = await openPglite(join(dataDir, 'pglite'))
  try {
    await migrate(lite.db)
    await bootstrap(lite.db, { adminPassword: ADMIN_PASSWORD, userPassword: `${ADMIN_PASSWORD}-user` })
    const h = harness(lite.db, dataDir)
    const filled = await fillOriel(h)
    const before = await dumpTables(lite.db)
    return { h, filled, before, keys }
  } finally {
    await lite.close()
  }
}
