import { sequence, signRequest, type ExecResult, type PollAnswer, type PollInput, type ReportedSession } from '#schema'
import type { JWK } from 'jose'
import type { Identity } from '../identity'

export type { CreateWork, ExecWork, PollAnswer, ScreenshotWork, Work } from '#schema'

/** HTTP to the edge: enrolment with the zone token, then every request signed with the agent key. */
export function createEdgeClient(edgeUrl: string, identity: Identity) {
  const nextSeq = sequence()
  async function call<T>(path: string, body: unknown, signed: boolean): Promise<T> {
    const text = JSON.stringify(body)
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (signed) {
      if (!identity.agentId) throw new Error('agent is not enrolled')
      headers.Authorization = await signRequest(
        identity.privateKey,
        identity.agentId,
        { method: 'POST', path, body: text },
        nextSeq(),
        new Date(),
      )
    }
    const res = await fetch(new URL(path, edgeUrl), { method: 'POST', headers, body: text, signal: AbortSignal.timeout(15_000) })
    const answer = (await res.json().catch(() => ({}))) as T & { error_message?: string }
    if (!res.ok) throw new EdgeError(res.status, answer.error_message ?? `HTTP ${res.status}`)
    return answer
  }
  return {
    enroll: (input: { token: string; publicUrl: string; name: string; resources: PollInput['resources']; labels: string[] }) =>
      call<{ agent_id: string; poll_interval_ms: number; edge_jwks: { keys: JWK[] } }>(
        '/api/agent/enroll',
        {
          token: input.token,
          public_jwk: identity.publicJwk,
          public_url: input.publicUrl,
          name: input.name,
          resources: input.resources,
          labels: input.labels,
        },
        false,
      ),
    poll: (input: PollInput) => call<PollAnswer>('/api/agent/poll', input, true),
    screenshot: (result: { request_id: string; jpeg_base64?: string; error?: string }) =>
      call<object>('/api/agent/screenshot', result, true),
    report: (sessions: ReportedSession[], execs: ExecResult[] = []) => call<object>('/api/agent/report', { sessions, execs }, true),
  }
}
export type EdgeClient = ReturnType<typeof createEdgeClient>

export class EdgeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}
