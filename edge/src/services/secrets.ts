import { base64ToBytes, bytesToBase64 } from './auth/bytes'

/**
 * Secrets at rest (docs/security.md#secrets-at-rest): AES-256-GCM through WebCrypto under a key from the environment,
 * written as `v1:<key id>:<iv>:<ciphertext>`. The key ring's first key encrypts; any key in it
 * decrypts, so keys can be rotated by putting a new one first.
 */
export type SecretKeyRing = { current: string; keys: ReadonlyMap<string, Uint8Array<ArrayBuffer>>; seal?: Sealer }

/**
 * The same AES-256-GCM as WebCrypto's, done synchronously for many secrets at once, each under a
 * fresh random IV: answers `<prefix><base64 of the IV>:<base64 of ciphertext then 16-byte tag>`
 * (a whole `v1` blob), and null for null. Node's WebCrypto sends every call through its thread
 * pool (~40 µs each), which dominates a 10,000-row import; the Node entry point supplies
 * node:crypto here. Workers' WebCrypto is already cheap.
 */
export type Sealer = (key: Uint8Array, aad: Uint8Array, prefix: string, plains: readonly (string | null)[]) => (string | null)[]

/** Parses `kid:base64key[,kid:base64key…]` (each key 32 bytes). */
export function parseKeyRing(text: string | undefined, seal?: Sealer): SecretKeyRing {
  if (!text) throw new Error('SECRETS_KEY is not set')
  const keys = new Map<string, Uint8Array<ArrayBuffer>>()
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kid, b64] = part.split(':')
    const key = base64ToBytes(b64 ?? '')
    if (!kid || !/^[A-Za-z0-9_-]{1,32}$/.test(kid) || key.length !== 32)
      throw new Error('SECRETS_KEY must be "<key id>:<base64 of 32 bytes>", comma-separated for rotation')
    keys.set(kid, key)
  }
  const current = [...keys.keys()][0]
  if (!current) throw new Error('SECRETS_KEY is empty')
  return seal ? { current, keys, seal } : { current, keys }
}

const importKey = (raw: Uint8Array<ArrayBuffer>) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])

export async function encryptSecret(ring: SecretKeyRing, plain: string): Promise<string> {
  const [blob] = await encryptSecrets(ring, [plain])
  return blob!
}

export async function decryptSecret(ring: SecretKeyRing, blob: string): Promise<string> {
  const [version, kid, iv, data] = blob.split(':')
  const raw = kid ? ring.keys.get(kid) : undefined
  if (version !== 'v1' || !raw || !iv || !data) throw new Error('secret cannot be decrypted with the configured keys')
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: base64ToBytes(iv), additionalData: new TextEncoder().encode(kid) },
    await importKey(raw),
    base64ToBytes(data),
  )
  return new TextDecoder().decode(plain)
}

/**
 * Many secrets under one key (bulk imports): nulls stay null. The key id is bound into each
 * ciphertext as associated data, so a blob moved under another id fails.
 */
export async function encryptSecrets(ring: SecretKeyRing, plains: readonly (string | null)[]): Promise<(string | null)[]> {
  const raw = ring.keys.get(ring.current)!
  const aad = new TextEncoder().encode(ring.current)
  if (ring.seal) return ring.seal(raw, aad, `v1:${ring.current}:`, plains)
  const ivs = randomIvs(plains.length)
  const encoder = new TextEncoder()
  const key = await importKey(raw)
  return Promise.all(
    plains.map(async (plain, i) => {
      if (plain === null) return null
      const data = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: ivs.subarray(i * 12, i * 12 + 12), additionalData: aad },
        key,
        encoder.encode(plain),
      )
      return `v1:${ring.current}:${bytesToBase64(ivs.subarray(i * 12, i * 12 + 12))}:${bytesToBase64(new Uint8Array(data))}`
    }),
  )
}

/** 12 random bytes per secret; getRandomValues fills at most 65,536 bytes a call. */
function randomIvs(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n * 12)
  for (let at = 0; at < out.length; at += 65_532) crypto.getRandomValues(out.subarray(at, Math.min(at + 65_532, out.length)))
  return out
}
