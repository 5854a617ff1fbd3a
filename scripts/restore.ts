// `npm run restore -- <file> [--replace]`: puts a backup's database and keys back (Oriel stopped).
import { restoreCommand } from '../edge/src/node/backup/commands'

process.exit(await restoreCommand(process.argv.slice(2), { env: process.env, out: console.log, err: console.error }))
