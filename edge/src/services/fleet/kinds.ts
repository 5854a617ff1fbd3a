import { agents, connectionProxies } from '#schema'

/**
 * The daemons that enrol with a zone registration token and sign every request (docs/protocol.md),
 * by kind: the table that holds them. Every kind's table is built on `fleetMemberColumns`, so the
 * fleet code reads and writes the same columns whichever kind it serves.
 */
export const FLEET = { agent: agents, proxy: connectionProxies } as const
export type FleetKind = keyof typeof FLEET
export type FleetMember<K extends FleetKind> = (typeof FLEET)[K]['$inferSelect']

/**
 * The table of a kind, typed as one of them. Drizzle cannot build one query over a union of tables;
 * every kind has the member columns under the same names, and the fleet code uses only those, so the
 * agents table's type stands for all of them.
 */
export const memberTable = (kind: FleetKind) => FLEET[kind] as typeof agents
