import { createHmac, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose'

/** What the agent keeps between restarts: its key pair, its id once enrolled, the edge's public keys. */
type Stored = { privateJwk: JWK; secret: string; agentId?: string; edgeJwks?: { keys: JWK[] } }

export type Identity = {
  privateKey: CryptoKey
  publicJwk: JWK
  agentId: string | undefined
  edgeJwks: { keys: JWK[] } | undefined
  /** Each session's VNC password, derived from a local secret: it never leaves this host and survives restarts. */
  vncPassword: (kasmId: string) => string
  saveEnrolment: (agentId: string, edgeJwks: { keys: JWK[] }) => void
}

/** Loads the identity from `<dataDir>/identity.json` (mode 0600), making a new key pair on first start. */
export async function loadIdentity(dataDir: string): Promise<Identity> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = join(dataDir, 'identity.json')
  let stored: Stored
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Stored
  } else {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
    stored = { privateJwk: await exportJWK(privateKey), secret: randomBytes(32).toString('base64') }
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 })
  }
  chmodSync(file, 0o600)
  const { kty, crv, x } = stored.privateJwk
  const identity: Identity = {
    privateKey: (await importJWK(stored.privateJwk, 'EdDSA')) as CryptoKey,
    publicJwk: { kty, crv, x },
    agentId: stored.agentId,
    edgeJwks: stored.edgeJwks,
    // VNC's authentication uses only the first 8 characters of a password.
    vncPassword: (kasmId) => createHmac('sha256', stored.secret).update(`vnc:${kasmId}`).digest('base64url').slice(0, 8),
    saveEnrolment(agentId, edgeJwks) {
      stored = { ...stored, agentId, edgeJwks }
      writeFileSync(file, JSON.stringify(stored), { mode: 0o600 })
      identity.agentId = agentId
      identity.edgeJwks = edgeJwks
    },
  }
  return identity
}
