// The docker CLI, for tests that check what the agent did from outside it: the engine's own account of
// containers and mounts, not the adapter's.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Runs `docker <args>` and answers its output, trimmed: an independent view of what the adapter did. */
export async function dockerCli(...args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout.trim()
}
