import type { LauncherImageView, StreamView } from '#schema/contracts'

/** The dashboard is a client of /api/public only (docs/architecture.md#parts): the sign-in cookie authenticates it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

export async function api<T = Record<string, unknown>>(verb: string, body: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`/api/public/${verb}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  })
  const data = (await res.json().catch(() => ({}))) as T & { error_message?: string; field?: string }
  if (!res.ok) throw new ApiError(res.status, data.error_message ?? `Request failed (${res.status})`, data.field)
  return data
}

export type Me = { user_id: string; username: string; is_admin: boolean; permissions: string[] }
/** A workspace as the launcher gets it (get_images): the edge's view type. */
export type Workspace = LauncherImageView
/** A running session's stream (get_kasm_status, join_kasm): the edge's view type. */
export type Stream = StreamView
export type KasmStatus = {
  operational_status: string
  operational_progress: number
  operational_message: string | null
  kasm: { kasm_id: string; image_id: string; status: string; keepalive_interval?: number; share_id?: string | null; stream?: Stream }
}
/** join_kasm's answer: someone's shared session, as this viewer may use it. */
export type JoinAnswer = {
  kasm: {
    kasm_id: string
    user: { username: string }
    image: { friendly_name: string }
    view_only: boolean
    operational_status: string
    stream?: Stream
  }
}
export type KasmSummary = { kasm_id: string; image_name?: string; operational_status: string; created: string }
