import { sequence, signRequest, type ExecResult, type PollInput, type ReportedSession } from '#schema'
import type { JWK } from 'jose'
import type { Identity } from '../identity'

export type CreateWork = {
  kasm_id: string
  user_id: string
  username: string
  image_id: string
  image: string
  cores: number
  memory_bytes: number
  gpu_count: number
  run_config: Record<string, unknown>
  persistent_profile_path: string | null
  volume_mappings: Record<string, { bind: string; mode?: 'rw' | 'ro'; uid?: number; gid?: number }>
  dlp: { clipboard_up: boolean; clipboard_down: boolean; uploads: boolean; downloads: boolean; printing: boolean }
  registry_auth: { serveraddress?: string; username: string; password: string } | null
}
export type ExecWork = { exec_id: string; kasm_id: string; cmd: string; user?: string; workdir?: string; environment?: Record<string, string>; privileged?: boolean }
export type ScreenshotWork = { request_id: string; kasm_id: string; width: number }
export type Work = { create: CreateWork[]; destroy: string[]; exec?: ExecWork[]; pause?: string[]; stop?: string[]; resume?: string[]; screenshot?: ScreenshotWork[] }
export type PollAnswer = { work: Work; poll_after_ms: number }

/** HTTP to the edge: enrolment with the zone token, then every request signed with the agent key. */
export function createEdgeClient(edgeUrl: string, identity: Identity) {
  const nextSeq = sequence()
  async function call<T>(path: string, body: unknown, signed: boolean): Promise<T> {
    const text = JSON.stringify(body)
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (signed) {
      if (!identity.agentId) throw new Error('agent is not enrolled')
      headers.Authorization = await signRequest(identity.privateKey, identity.agentId, { method: 'POST', path, body: text }, nextSeq(), new Date())
    }
    const res = await fetch(new URL(path, edgeUrl), { method: 'POST', headers, body: text, signal: AbortSignal.timeout(15_000) })
    const answer = (await res.json().catch(() => ({}))) as T & { error_message?: string }
    if (!res.ok) throw new EdgeError(res.status, answer.error_message ?? `HTTP ${res.status}`)
    return answer
  }
  return {
    enroll: (input: { token: string; publicUrl: string; name: string; resources: PollInput['resources']; labels: string[] }) =>
      call<{ agent_id: string; poll_interval_ms: number; edge_jwks: { keys: JWK[] } }>('/api/agent/enroll', {
        token: input.token, public_jwk: identity.publicJwk, public_url: input.publicUrl, name: input.name, resources: input.resources, labels: input.labels,
      }, false),
    poll: (input: PollInput) => call<PollAnswer>('/api/agent/poll', input, true),
    screenshot: (result: { request_id: string; jpeg_base64?: string; error?: string }) => call<object>('/api/agent/screenshot', result, true),
    report: (sessions: ReportedSession[], execs: ExecResult[] = []) => call<object>('/api/agent/report', { sessions, execs }, true),
  }
}
export type EdgeClient = ReturnType<typeof createEdgeClient>

export class EdgeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}
