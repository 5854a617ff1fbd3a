// The key material a backup carries: without SECRETS_KEY the encrypted columns (server passwords, keys and
// passphrases, registry passwords) cannot be read back. Values are never printed; only names and paths are.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseKeyRing } from '../../services/secrets'

export const SECRET_NAMES = ['SECRETS_KEY', 'SESSION_SECRET', 'EDGE_SIGNING_KEY'] as const
export type SecretName = (typeof SECRET_NAMES)[number]
export type Secrets = Partial<Record<SecretName, string>>
export type Env = Record<string, string | undefined>

/** Where `npm start` keeps a secret it made itself (main.ts `persistedSecret`): `<data dir>/secrets-key`, … */
export const secretPath = (dataDir: string, name: SecretName) => join(dataDir, name.toLowerCase().replaceAll('_', '-'))

/** The secrets as Oriel started from this environment and data folder uses them: the environment's, else the files'. */
export function currentSecrets(dataDir: string, env: Env): Secrets {
  const out: Secrets = {}
  for (const name of SECRET_NAMES) {
    const file = secretPath(dataDir, name)
    const value = env[name] || (existsSync(file) ? readFileSync(file, 'utf8').trim() : '')
    if (value) out[name] = value
  }
  return out
}

/** What a restore does with the backup's secrets: files to write, reasons to refuse, things to say. */
export type SecretsPlan = { write: { name: SecretName; path: string }[]; refuse: string[]; notes: string[] }

const WITHOUT: Record<SecretName, string> = {
  SECRETS_KEY:
    'the encrypted columns (server passwords, SSH keys, registry passwords) can be read only with the SECRETS_KEY that was in use when it was made',
  SESSION_SECRET: 'sign-ins made before it end once Oriel starts with another SESSION_SECRET',
  EDGE_SIGNING_KEY: 'agents enrolled before it trust the EDGE_SIGNING_KEY that was in use then',
}

/**
 * A secret the environment sets is what Oriel will use, so it must match the backup's (for
 * SECRETS_KEY: hold every key of the backup's ring); otherwise the backup's value is written to the
 * data folder's file, where `npm start` reads it.
 */
export function planSecrets(backup: Secrets, dataDir: string, env: Env): SecretsPlan {
  const plan: SecretsPlan = { write: [], refuse: [], notes: [] }
  for (const name of SECRET_NAMES) {
    const saved = backup[name]
    const path = secretPath(dataDir, name)
    if (!saved) {
      plan.notes.push(`the backup holds no ${name}: ${WITHOUT[name]}; keep it in ${path} or in the environment`)
      continue
    }
    const set = env[name]
    if (!set) plan.write.push({ name, path })
    else if (name === 'SECRETS_KEY' && !ringHolds(set, saved)) {
      plan.refuse.push(
        `SECRETS_KEY in the environment does not hold the backup's key, so the restored passwords could not be decrypted: unset it (restore then writes the backup's key to ${path}) or set it to the backup's key ring`,
      )
    } else if (name !== 'SECRETS_KEY' && set.trim() !== saved) {
      plan.notes.push(`${name} in the environment differs from the backup's and is what Oriel will use: ${WITHOUT[name]}`)
    }
  }
  return plan
}

/** Every key of the backup's ring is in the environment's ring, under the same id: each blob still opens. */
function ringHolds(envRing: string, backupRing: string): boolean {
  try {
    const have = parseKeyRing(envRing).keys
    return [...parseKeyRing(backupRing).keys].every(([kid, key]) => Buffer.from(have.get(kid) ?? []).equals(Buffer.from(key)))
  } catch {
    return false
  }
}

/** Writes each planned file whole (a temporary file renamed over it), mode 0600. */
export function writeSecrets(plan: SecretsPlan, backup: Secrets): void {
  for (const { name, path } of plan.write) {
    const tmp = `${path}.restore-${crypto.randomUUID().slice(0, 8)}`
    writeFileSync(tmp, backup[name]!, { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, path)
  }
}
