// Host folders a session binds: they must exist with the right owner before the container starts.
// A missing Binds source is auto-created by Docker as root:root 0755, and the desktop entrypoint
// (uid 1000) then dies on `mkdir ~/.vnc` right after start() resolves (docs/architecture.md#docker-profile-dirs).
import { execFile } from 'node:child_process'
import { chown, lstat, mkdir } from 'node:fs/promises'
import { promisify } from 'node:util'
import { profileHostPath } from './container-spec'
import type { SessionSpec, VolumeMapping } from './session-spec'

/** uid/gid of kasm-user in every workspace image. */
export const SESSION_UID = 1000
export const SESSION_GID = 1000

const run = promisify(execFile)

/**
 * Creates the profile folder if needed and gives it to kasm-user; returns its path (or null when
 * the session binds none: no profile path, or mode Disabled, which leaves the folder untouched).
 * Mode Reset empties the folder first. The folder itself is chowned every time, because a folder
 * Docker created earlier is root-owned.
 */
export async function prepareProfileDir(spec: SessionSpec): Promise<string | null> {
  const path = profileHostPath(spec)
  if (!path || spec.profileMode === 'Disabled') return null
  await mkdir(path, { recursive: true, mode: 0o700 })
  // chown follows symlinks: a link here could hand any host folder to uid 1000 (and Reset empty it).
  if ((await lstat(path)).isSymbolicLink()) throw new Error(`persistent profile path ${path} is a symlink`)
  if (spec.profileMode === 'Reset') await emptyFolder(path)
  await chown(path, SESSION_UID, SESSION_GID)
  return path
}

/**
 * Deletes everything inside `path`, keeping `path`. GNU find, not fs.rm: the profile is written by
 * session containers (uid 1000), and fs.rm walks by path name, so a folder swapped for a symlink
 * between its lstat and its readdir would be followed out of the profile. find -delete walks with
 * directory descriptors (openat/unlinkat, never following links, `-P`), so a link is removed as a
 * link; `-xdev` keeps it from descending into anything mounted inside. `path` itself is no link
 * (checked by the caller); being absolute, find cannot take it for an option or an operator.
 */
async function emptyFolder(path: string): Promise<void> {
  if (!path.startsWith('/')) throw new Error(`refusing to empty ${path}: not an absolute path`)
  await run('find', ['-P', path, '-xdev', '-mindepth', '1', '-delete'])
}

/**
 * Kasm's volume_mappings rules: a missing host folder is created (owned by the mapping's uid/gid,
 * default kasm-user); `skip_check` leaves the path alone; when the folder cannot be made, a
 * `required` mapping fails the session and any other mapping is left out of it.
 * Returns the mappings the session should bind.
 */
export async function prepareVolumeMappings(
  mappings: Record<string, VolumeMapping>,
  onSkipped: (hostPath: string, err: unknown) => void = () => {},
): Promise<Record<string, VolumeMapping>> {
  const usable: Record<string, VolumeMapping> = {}
  for (const [hostPath, m] of Object.entries(mappings)) {
    if (m.skip_check) {
      usable[hostPath] = m
      continue
    }
    try {
      if (!(await exists(hostPath))) {
        await mkdir(hostPath, { recursive: true })
        await chown(hostPath, m.uid ?? SESSION_UID, m.gid ?? SESSION_GID)
      }
      usable[hostPath] = m
    } catch (err) {
      if (m.required) throw new Error(`required volume mapping ${hostPath} is unavailable: ${String(err)}`)
      onSkipped(hostPath, err)
    }
  }
  return usable
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
