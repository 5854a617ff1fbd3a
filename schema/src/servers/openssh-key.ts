import { cbc, ctr, gcm } from '@noble/ciphers/aes.js'
import bcryptPbkdf from 'bcrypt-pbkdf'
import { KeyProblem, corruptKey, formatProblem, notRsa, requirePassphrase, unsupportedCipher, wrongPassphrase } from './key-problem'
import type { Pem } from './pem'
import type { DecodedKey, RsaPrivateKey } from './rsa-key'
import { SshReader } from './ssh-wire'

/**
 * `-----BEGIN OPENSSH PRIVATE KEY-----`, the openssh-key-v1 format (OpenSSH's PROTOCOL.key):
 *   "openssh-key-v1\0", string cipher, string kdf, string kdf options, uint32 nkeys = 1,
 *   string public key, string private section [, 16-byte tag for GCM]
 * The private section is: uint32 checkint ×2, the key (type, fields, comment), then padding 1, 2, 3…
 * to the cipher's block size. When encrypted, equal checkints are what proves the passphrase right.
 */
const MAGIC = 'openssh-key-v1\0'

type Cipher = { keyLength: number; ivLength: number; mode: 'ctr' | 'cbc' | 'gcm' }
const CIPHERS: Record<string, Cipher> = {
  'aes128-ctr': { keyLength: 16, ivLength: 16, mode: 'ctr' },
  'aes192-ctr': { keyLength: 24, ivLength: 16, mode: 'ctr' },
  'aes256-ctr': { keyLength: 32, ivLength: 16, mode: 'ctr' },
  'aes128-cbc': { keyLength: 16, ivLength: 16, mode: 'cbc' },
  'aes192-cbc': { keyLength: 24, ivLength: 16, mode: 'cbc' },
  'aes256-cbc': { keyLength: 32, ivLength: 16, mode: 'cbc' },
  'aes128-gcm@openssh.com': { keyLength: 16, ivLength: 12, mode: 'gcm' },
  'aes256-gcm@openssh.com': { keyLength: 32, ivLength: 12, mode: 'gcm' },
}
const GCM_TAG_LENGTH = 16

/**
 * ssh-keygen uses 16 rounds (~0.25 s of pure-JS bcrypt here) and guides suggest `-a 100` (~1.3 s);
 * the bound keeps a pasted key from pinning a request's CPU for minutes.
 */
export const MAX_BCRYPT_ROUNDS = 256

type Container = { cipher: string; kdf: string; kdfOptions: Uint8Array; sealed: Uint8Array; tag: Uint8Array; n: bigint; e: bigint }

export function decodeOpenSsh(pem: Pem, passphrase: string | null): DecodedKey {
  const file = readContainer(pem.body)
  if (file.cipher === 'none') {
    if (file.kdf !== 'none' || file.kdfOptions.length > 0 || file.sealed.length % 8 !== 0) throw corruptKey()
    return { format: 'openssh', encrypted: false, key: readPrivateSection(file, file.sealed, 8, false) }
  }
  const cipher = CIPHERS[file.cipher]!
  if (file.kdf !== 'bcrypt') throw formatProblem(`Private key derivation ${file.kdf} is not supported`)
  if (file.sealed.length % 16 !== 0) throw corruptKey()
  const { salt, rounds } = readKdfOptions(file.kdfOptions)
  const pass = requirePassphrase(passphrase)

  const derived = new Uint8Array(cipher.keyLength + cipher.ivLength)
  if (bcryptPbkdf.pbkdf(pass, pass.length, salt, salt.length, derived, derived.length, rounds) !== 0) throw corruptKey()
  const key = derived.subarray(0, cipher.keyLength)
  const iv = derived.subarray(cipher.keyLength)
  let plain: Uint8Array
  if (cipher.mode === 'ctr') plain = ctr(key, iv).decrypt(file.sealed)
  else if (cipher.mode === 'cbc') plain = cbc(key, iv, { disablePadding: true }).decrypt(file.sealed)
  else {
    const sealedWithTag = new Uint8Array(file.sealed.length + GCM_TAG_LENGTH)
    sealedWithTag.set(file.sealed)
    sealedWithTag.set(file.tag, file.sealed.length)
    try {
      plain = gcm(key, iv).decrypt(sealedWithTag)
    } catch {
      // A failed tag cannot tell a wrong key from a damaged body; the layout was intact, so the
      // passphrase is by far the likelier cause.
      throw wrongPassphrase()
    }
  }
  return { format: 'openssh', encrypted: true, key: readPrivateSection(file, plain, 16, true) }
}

/**
 * Everything outside the private section; any shortfall or leftover bytes mean the file is damaged.
 * The key type is read from the public blob, so a non-RSA key is refused without its passphrase.
 */
function readContainer(body: Uint8Array): Container {
  try {
    const r = new SshReader(body)
    if (String.fromCharCode(...r.take(MAGIC.length)) !== MAGIC) throw new Error('not openssh-key-v1')
    const cipher = r.text()
    // Before the layout checks, since unknown AEAD ciphers (chacha20-poly1305) append a tag we cannot size.
    if (cipher !== 'none' && !CIPHERS[cipher]) throw unsupportedCipher(cipher)
    const kdf = r.text()
    const kdfOptions = r.string()
    if (r.u32() !== 1) throw formatProblem('Private key file must hold exactly one key')
    const pub = new SshReader(r.string())
    const sealed = r.string()
    const tag = CIPHERS[cipher]?.mode === 'gcm' ? r.take(GCM_TAG_LENGTH) : new Uint8Array()
    if (r.remaining !== 0) throw new Error('trailing data')

    const keyType = pub.text()
    if (keyType !== 'ssh-rsa') throw notRsa(keyType)
    // The public blob of ssh-rsa is: string "ssh-rsa", mpint e, mpint n.
    const e = pub.mpint()
    const n = pub.mpint()
    if (pub.remaining !== 0) throw new Error('trailing data in public key')
    return { cipher, kdf, kdfOptions, sealed, tag, n, e }
  } catch (err) {
    throw err instanceof KeyProblem ? err : corruptKey()
  }
}

function readKdfOptions(options: Uint8Array): { salt: Uint8Array; rounds: number } {
  let salt: Uint8Array
  let rounds: number
  try {
    const r = new SshReader(options)
    salt = r.string()
    rounds = r.u32()
    if (r.remaining !== 0 || salt.length === 0 || rounds < 1) throw new Error('bad bcrypt options')
  } catch {
    throw corruptKey()
  }
  if (rounds > MAX_BCRYPT_ROUNDS) {
    throw formatProblem(`Private key uses ${rounds} key derivation rounds, at most ${MAX_BCRYPT_ROUNDS} are supported`)
  }
  return { salt, rounds }
}

function readPrivateSection(file: Container, plain: Uint8Array, blockSize: number, encrypted: boolean): RsaPrivateKey {
  const r = new SshReader(plain)
  if (r.remaining < 8) throw corruptKey()
  if (r.u32() !== r.u32()) throw encrypted ? wrongPassphrase() : corruptKey()
  try {
    if (r.text() !== 'ssh-rsa') throw new Error('private key type differs from the public one')
    // ssh-rsa private fields, in OpenSSH's order: n, e, d, iqmp, p, q; then the comment.
    const [n, e, d, qi, p, q] = [r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint()]
    r.string()
    const padding = r.take(r.remaining)
    if (padding.length >= blockSize || padding.some((b, i) => b !== i + 1)) throw new Error('bad padding')
    if (n !== file.n || e !== file.e || p < 2n || q < 2n) throw new Error('inconsistent key')
    return { n, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi }
  } catch {
    throw corruptKey()
  }
}
