// `npm run db:migrate`: applies migrations to DATABASE_URL (for example Neon, before `wrangler deploy`)
// and makes the built-in groups, zone and accounts. Passwords of accounts it creates are printed once.
import { migrate } from '#schema'
import { openNodePostgres } from '../edge/src/db/node-postgres'
import { bootstrap } from '../edge/src/services/bootstrap'

const url = process.env.DATABASE_URL
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('db:migrate: set DATABASE_URL to a postgres:// URL')
  process.exit(1)
}
const { db, close } = openNodePostgres(url, { max: 1 })
try {
  const ran = await migrate(db)
  console.log(ran.length ? `applied: ${ran.join(', ')}` : 'database is up to date')
  for (const a of await bootstrap(db, { adminPassword: process.env.ORIEL_ADMIN_PASSWORD, userPassword: process.env.ORIEL_USER_PASSWORD })) {
    console.log(`${a.username} password: ${a.password}`)
  }
} finally {
  await close()
}
