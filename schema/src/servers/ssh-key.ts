import { KeyProblem, corruptKey, formatProblem, notRsa, type SshKeyProblem } from './key-problem'
import { decodeOpenSsh } from './openssh-key'
import { readPem } from './pem'
import { decodePkcs1, decodePkcs8 } from './pem-key'
import { bitLength, checkImportable, checkRsaArithmetic, encodePkcs1, type DecodedKey } from './rsa-key'

export type { SshKeyProblem }

export type SshKeyCheck =
  | { ok: true; format: 'openssh' | 'pkcs1' | 'pkcs8'; bits: number; encrypted: boolean }
  | { ok: false; problem: SshKeyProblem; message: string }

/** Kasm's fixed-server spec: "with a key size of 2048". */
export const REQUIRED_RSA_BITS = 2048

/** PEM labels of keys that are certainly not RSA, named so the refusal says what was pasted. */
const NOT_RSA_LABELS: Record<string, string> = { 'EC PRIVATE KEY': 'EC', 'DSA PRIVATE KEY': 'DSA' }

/**
 * Checks a fixed server's `private_key` / `passphrase` pair the way Kasm documents it: an RSA key
 * of exactly 2048 bits, in OpenSSH, PKCS#1 or unencrypted PKCS#8 PEM form; an encrypted key needs
 * a passphrase that opens it, and a plain key must not be given one. Problems are reported in the
 * order an admin would meet them: format, damage, passphrase, key material, size.
 *
 * Pure and runtime-independent (WebCrypto plus pure-JS ciphers), so the dashboard, the Worker and
 * Node run the same check. Never rejects: every input, however odd, gives a result.
 */
export async function checkSshPrivateKey(pem: string, passphrase: string | null): Promise<SshKeyCheck> {
  try {
    if (typeof pem !== 'string') throw formatProblem()
    const given = typeof passphrase === 'string' ? passphrase : null
    const decoded = decodePrivateKey(pem, given)
    if (!decoded.encrypted && given) {
      throw new KeyProblem('passphrase_unused', 'A passphrase was given but the private key is not encrypted')
    }
    checkRsaArithmetic(decoded.key)
    const bits = bitLength(decoded.key.n)
    if (bits !== REQUIRED_RSA_BITS) throw new KeyProblem('size', `Key size must be ${REQUIRED_RSA_BITS} bits, not ${bits}`)
    // After the size check: the runtime's RSA import may refuse unusual sizes for its own reasons.
    await checkImportable(decoded.key)
    return { ok: true, format: decoded.format, bits, encrypted: decoded.encrypted }
  } catch (err) {
    // Anything that is not one of our verdicts (a cipher library refusing odd input, say) still
    // came from parsing bytes that are not a sound key, so it is reported as damage, not thrown.
    const problem = err instanceof KeyProblem ? err : corruptKey()
    return { ok: false, problem: problem.problem, message: problem.message }
  }
}

/**
 * The key as guacd 1.3.0 can read it: unencrypted PKCS#1 PEM (it reads neither OpenSSH-format keys
 * nor, reliably, PKCS#8; guacd-ci.md G4). The passphrase is applied here, so none goes to guacd.
 * Throws a KeyProblem when the key or passphrase does not open (a server saved before checks existed).
 */
export function toGuacdPem(text: string, passphrase: string | null): string {
  const der = encodePkcs1(decodePrivateKey(text, passphrase).key)
  let b64 = ''
  for (let i = 0; i < der.length; i += 0x8000) b64 += String.fromCharCode(...der.subarray(i, i + 0x8000))
  const lines = btoa(b64).match(/.{1,64}/g) ?? []
  return `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----\n`
}

function decodePrivateKey(text: string, passphrase: string | null): DecodedKey {
  const pem = readPem(text)
  switch (pem.label) {
    case 'OPENSSH PRIVATE KEY':
      return decodeOpenSsh(pem, passphrase)
    case 'RSA PRIVATE KEY':
      return decodePkcs1(pem, passphrase)
    case 'PRIVATE KEY':
      return decodePkcs8(pem)
    case 'ENCRYPTED PRIVATE KEY':
      throw formatProblem('Encrypted PKCS#8 private keys are not supported, use OpenSSH or PKCS#1 format')
  }
  const kind = NOT_RSA_LABELS[pem.label]
  throw kind ? notRsa(kind) : formatProblem()
}
