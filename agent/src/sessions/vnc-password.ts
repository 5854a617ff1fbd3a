/**
 * A session's VNC password, derived from the agent's local secret (its identity's `derive`): it never
 * leaves this host and survives restarts. VNC's authentication uses only the first 8 characters.
 */
export const vncPassword = (derive: (label: string) => string, kasmId: string) => derive(`vnc:${kasmId}`).slice(0, 8)
