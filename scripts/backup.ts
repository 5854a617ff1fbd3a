// `npm run backup -- <file>`: a consistent backup of Oriel's database and keys, even while Oriel runs.
import { backupCommand } from '../edge/src/node/backup/commands'

process.exit(await backupCommand(process.argv.slice(2), { env: process.env, out: console.log, err: console.error }))
