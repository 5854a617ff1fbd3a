import { SERVER_JOINS, SERVER_VIEW } from '#schema'

// What the API shows of a server is defined once (schema/src/views/server.ts, from the field catalogue)
// and rendered two ways: this SQL, which has Postgres build the JSON (lists, one server), and the JS
// renderer over rows already in memory (an import's new rows, batch.ts). Columns are named through
// `s` (the server), `z`, `p` and `u`, which SERVER_JOINS provides.
export const SERVER_VIEW_SQL = SERVER_VIEW.sql
export { SERVER_JOINS }
