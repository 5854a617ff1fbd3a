import { createHmac, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose'

/** The daemons that enrol with the edge: a Docker agent, a connection proxy. */
export type DaemonKind = 'agent' | 'proxy'

/**
 * What a daemon keeps between restarts: its key pair, a local secret, its id once enrolled (stored
 * as `<kind>Id`), the edge's public keys.
 */
type Stored = { privateJwk: JWK; secret: string; edgeJwks?: { keys: JWK[] } } & { [id in `${DaemonKind}Id`]?: string }

export type Identity = {
  kind: DaemonKind
  privateKey: CryptoKey
  publicJwk: JWK
  /** The id the edge gave at enrolment: the `kid` of its signed requests and the audience of the edge's tokens. */
  id: string | undefined
  edgeJwks: { keys: JWK[] } | undefined
  /** A value derived from the local secret and `label`: never leaves this host, the same after a restart. */
  derive: (label: string) => string
  saveEnrolment: (id: string, edgeJwks: { keys: JWK[] }) => void
}

/** Loads the identity from `<dataDir>/identity.json` (mode 0600), making a new key pair on first start. */
export async function loadIdentity(dataDir: string, kind: DaemonKind): Promise<Identity> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = join(dataDir, 'identity.json')
  const idKey = `${kind}Id` as const
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
    kind,
    privateKey: (await importJWK(stored.privateJwk, 'EdDSA')) as CryptoKey,
    publicJwk: { kty, crv, x },
    id: stored[idKey],
    edgeJwks: stored.edgeJwks,
    derive: (label) => createHmac('sha256', stored.secret).update(label).digest('base64url'),
    saveEnrolment(id, edgeJwks) {
      stored = { ...stored, [idKey]: id, edgeJwks }
      writeFileSync(file, JSON.stringify(stored), { mode: 0o600 })
      identity.id = id
      identity.edgeJwks = edgeJwks
    },
  }
  return identity
}
