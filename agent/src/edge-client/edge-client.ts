import type { ExecResult, PollAnswer, PollInput, ReportedSession } from '#schema'
import { createSignedEdgeClient, type Identity } from '#daemon-kit'
import type { JWK } from 'jose'

export type { CreateWork, ExecWork, PollAnswer, ScreenshotWork, Work } from '#schema'

/** The agent's verbs of the protocol (docs/protocol.md): enrolment with the zone token, then signed calls. */
export function createEdgeClient(edgeUrl: string, identity: Identity) {
  const edge = createSignedEdgeClient(edgeUrl, identity)
  return {
    enroll: (input: { token: string; publicUrl: string; name: string; resources: PollInput['resources']; labels: string[] }) =>
      edge.postUnsigned<{ agent_id: string; poll_interval_ms: number; edge_jwks: { keys: JWK[] } }>('/api/agent/enroll', {
        token: input.token,
        public_jwk: identity.publicJwk,
        public_url: input.publicUrl,
        name: input.name,
        resources: input.resources,
        labels: input.labels,
      }),
    poll: (input: PollInput) => edge.post<PollAnswer>('/api/agent/poll', input),
    screenshot: (result: { request_id: string; jpeg_base64?: string; error?: string }) =>
      edge.post<object>('/api/agent/screenshot', result),
    report: (sessions: ReportedSession[], execs: ExecResult[] = []) => edge.post<object>('/api/agent/report', { sessions, execs }),
  }
}
export type EdgeClient = ReturnType<typeof createEdgeClient>
