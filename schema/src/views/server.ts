import type { ServerRow } from '../inputs/servers/row'
import { SERVER_FIELD_LIST, SERVER_FIELDS, SERVER_REFS, type ServerField } from '../server-types'
import { defineView, isoOf, isSet, kasmIdOf, value, type ViewField, type ViewOf } from './define'

// What the API shows of a server, derived from the field catalogue (server-types.ts): each field as
// stored, a reference as its id and the other row's name, a secret only as whether it is set. Columns
// are named through `s` (the server) and the references' aliases, which SERVER_JOINS provides.

type Fields = typeof SERVER_FIELDS
type Refs = typeof SERVER_REFS
type Plain = { [K in ServerField as Fields[K] extends { ref: string } | { secret: true } ? never : K]: ViewField<ServerRow[K]> }
type Secrets = { [K in ServerField as Fields[K] extends { secret: true } ? `${K}_set` : never]: ViewField<boolean> }
type RefIds = {
  [K in ServerField as Fields[K] extends { ref: infer R extends keyof Refs } ? Refs[R]['id'] : never]: ViewField<ServerRow[K]>
}
type RefNames = {
  [K in ServerField as Fields[K] extends { ref: infer R extends keyof Refs } ? Refs[R]['name'] : never]: ViewField<ServerRow[K]>
}
type ServerViewFields = { server_id: ViewField<string> } & Plain & Secrets & RefIds & RefNames & { created: ViewField<string> }

function serverViewFields(): ServerViewFields {
  const out: Record<string, ViewField> = { server_id: kasmIdOf('s.id') }
  for (const [name, f] of SERVER_FIELD_LIST) {
    const column = `s.${f.column}`
    if (f.ref) {
      const ref = SERVER_REFS[f.ref]
      out[ref.id] = kasmIdOf(column)
      out[ref.name] = value(`${ref.alias}.${ref.shown}`)
    } else if (f.secret) out[`${name}_set`] = isSet(column)
    else out[name] = value(column)
  }
  out.created = isoOf('s.created_at')
  return out as ServerViewFields
}

/** A server as get_servers, get_server and the server verbs show it: secrets only as "is one set". */
export const SERVER_VIEW = defineView(serverViewFields())
export type ServerView = ViewOf<ServerViewFields>

/** The joins SERVER_VIEW's columns need, from `servers s`: a required reference is an inner join. */
export const SERVER_JOINS = SERVER_FIELD_LIST.flatMap(([, f]) => {
  if (!f.ref) return []
  const ref = SERVER_REFS[f.ref]
  return [`${f.required ? 'join' : 'left join'} ${ref.table} ${ref.alias} on ${ref.alias}.id = s.${f.column}`]
}).join(' ')
