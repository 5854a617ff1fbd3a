import { agents } from '#schema'

/**
 * The daemons that enrol with a zone registration token and sign every request (docs/protocol.md),
 * by kind: the table that holds them. Every kind's table is built on `fleetMemberColumns`, so the
 * fleet code below reads and writes the same columns whichever kind it serves. Connection proxies
 * join as the second kind with their part.
 */
export const FLEET = { agent: agents } as const
export type FleetKind = keyof typeof FLEET
export type FleetMember<K extends FleetKind> = (typeof FLEET)[K]['$inferSelect']

/**
 * The table of a kind, typed as the shared member columns. Drizzle cannot build one query over a
 * union of tables; every kind has these columns under the same names, so the agents table's type
 * stands for all of them.
 */
export const memberTable = (kind: FleetKind) => FLEET[kind] as typeof agents
