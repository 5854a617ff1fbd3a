import type { ProxyConnectAnswer, ProxyConnectInput } from '#schema'

/** The part of the signed edge client (createSignedEdgeClient) that redeeming needs. */
export type SignedPoster = { post: <T>(path: string, body: unknown) => Promise<T> }

/**
 * Redeems a browser's connect token with the edge (`POST /api/proxy/connect`, signed). The primary and
 * every worker sign with the proxy's one key, each numbering its own requests; the edge takes this
 * request in any order (its replay protection is the token's one-time jti, docs/protocol.md).
 */
export const createEdgeRedeem =
  (edge: SignedPoster) =>
  (token: string): Promise<ProxyConnectAnswer> =>
    edge.post<ProxyConnectAnswer>('/api/proxy/connect', { token } satisfies ProxyConnectInput)
