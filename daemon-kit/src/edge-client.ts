import { sequence, signRequest } from '#schema'
import type { Identity } from './identity'

/** An answer of the edge other than 2xx: its status and Kasm-style `error_message`. */
export class EdgeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const REQUEST_TIMEOUT_MS = 15_000

/**
 * JSON over HTTPS to the edge: `post(path, body)` signs with the daemon's key (docs/protocol.md#signed-requests),
 * `postUnsigned` is for enrolment, before the daemon has an id.
 */
export function createSignedEdgeClient(edgeUrl: string, identity: Identity) {
  const nextSeq = sequence()
  async function call<T>(path: string, body: unknown, signed: boolean): Promise<T> {
    const text = JSON.stringify(body)
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (signed) {
      if (!identity.id) throw new Error(`${identity.kind} is not enrolled`)
      headers.Authorization = await signRequest(
        identity.privateKey,
        identity.id,
        { method: 'POST', path, body: text },
        nextSeq(),
        new Date(),
      )
    }
    const res = await fetch(new URL(path, edgeUrl), {
      method: 'POST',
      headers,
      body: text,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const answer = (await res.json().catch(() => ({}))) as T & { error_message?: string }
    if (!res.ok) throw new EdgeError(res.status, answer.error_message ?? `HTTP ${res.status}`)
    return answer
  }
  return {
    post: <T>(path: string, body: unknown) => call<T>(path, body, true),
    postUnsigned: <T>(path: string, body: unknown) => call<T>(path, body, false),
  }
}
