// The schema's drizzle-free entry (`#schema/contracts`): the input schemas, enums, permission names and
// response views that the browser shares with the edge, without table definitions or migrations. `#schema` re-exports
// all of it too.
export * from './inputs/index'
export * from './server-types'
export * from './image-types'
export * from './permissions'
export * from './ids'
export * from './views/index'
