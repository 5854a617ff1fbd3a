// The agent's view of a Docker engine. Everything else in the agent talks to this interface;
// dockerode-port.ts is the one implementation and the only importer of dockerode.
import type { ContainerSpecOptions } from './container-spec'
import type { SessionSpec } from './session-spec'

export { createDockerodePort, type DockerodePortOptions } from './dockerode-port'

/** A container this agent created (it carries oriel.managed=true and our agent id). */
export type ManagedContainer = {
  containerId: string
  kasmId: string
  /** Docker's state: created, running, paused, restarting, removing, exited or dead. */
  state: string
  labels: Record<string, string>
}

/** The folders of kasm-user's home that file transfer may touch. */
export type SessionFolder = 'Uploads' | 'Downloads' | 'Desktop'

/** Registry credentials as the Engine's X-Registry-Auth header takes them. */
export type RegistryAuth =
  { username: string; password: string; serveraddress?: string } | { identitytoken: string; serveraddress?: string }

export type ExecOptions = { user?: string; env?: string[]; workdir?: string; privileged?: boolean }

export interface DockerPort {
  /**
   * Creates the session network if missing (a bridge with inter-container traffic off) and
   * firewalls its bridge from the host. Refuses an existing network that is not isolated.
   */
  ensureSessionNetwork(name: string): Promise<{ bridge: string }>
  /** Deletes the session network and its firewall rules (no-op when absent). */
  removeSessionNetwork(name: string): Promise<void>
  /** This agent's session containers, running or not. */
  listManaged(agentId: string): Promise<ManagedContainer[]>
  /** Prepares the profile and mapped folders, then creates (does not start) the container. */
  createSession(spec: SessionSpec, opts: ContainerSpecOptions): Promise<{ containerId: string }>
  startSession(containerId: string): Promise<void>
  /** Freezes the container's processes (memory stays allocated); unpause resumes them where they were. */
  pauseSession(containerId: string): Promise<void>
  unpauseSession(containerId: string): Promise<void>
  /** Stops the container; its file system stays, and startSession brings the desktop back. */
  stopSession(containerId: string): Promise<void>
  /** The container's IP on `network`; throws if the container is not running (e.g. it exited at once). */
  sessionAddress(containerId: string, network: string): Promise<string>
  /** Force-removes the container with its anonymous volumes; an already-gone container is fine. */
  remove(containerId: string): Promise<void>
  /** Runs a command to completion; output is stdout and stderr interleaved as they arrived. */
  exec(containerId: string, cmd: string[], opts?: ExecOptions): Promise<{ exitCode: number; output: string }>
  /** Writes one file into ~/<folder>, owned by kasm-user. */
  putFile(containerId: string, folder: SessionFolder, name: string, data: Buffer): Promise<void>
  /** Reads one regular file from ~/<folder>; refuses links and anything over maxBytes. */
  getFile(containerId: string, folder: SessionFolder, name: string, opts?: { maxBytes?: number }): Promise<Buffer>
  /** Every repo:tag the engine holds. */
  listImages(): Promise<string[]>
  /**
   * Pulls an image; rejects on the first error the registry reports in the progress stream.
   * onProgress gets an estimated overall percentage (0–100, never decreasing).
   */
  pullImage(ref: string, auth?: RegistryAuth, onProgress?: (percent: number) => void): Promise<void>
  /** What the host offers sessions. */
  info(): Promise<{ cores: number; memoryBytes: number; gpus: number }>
}
