import type { DlpFlags } from '../protocol/agent'

/**
 * A running session's stream, as get_kasm_status and join_kasm give it: the agent's WebSocket URL,
 * a short-lived stream token, the files URL, when the token expires, and the DLP flags the token
 * carries (the agent's gateway enforces them).
 */
export type StreamView = {
  url: string
  token: string
  files_url: string
  expires: string
  dlp?: DlpFlags
}
