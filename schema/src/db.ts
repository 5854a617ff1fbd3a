import type { ExtractTablesWithRelations } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import type * as tables from './tables/index'

type Tables = typeof tables
/** The database as every part sees it, whichever driver (PGlite, node-postgres, Neon) is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Tables>
/** A transaction on `Db`. */
export type Tx = PgTransaction<PgQueryResultHKT, Tables, ExtractTablesWithRelations<Tables>>
/** Either: services that must run inside a caller's transaction take this. */
export type DbOrTx = Db | Tx
