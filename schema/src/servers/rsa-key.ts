import { TAG, encodeTlv, encodeUnsigned, readDer, readOid, readSequence, readUnsigned } from './der'
import { corruptKey, formatProblem, notRsa } from './key-problem'

/** The fields of an RSA private key (RFC 8017 A.1.2), whatever file format carried them. */
export type RsaPrivateKey = { n: bigint; e: bigint; d: bigint; p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint }

/** What each file-format decoder hands back. */
export type DecodedKey = { format: 'openssh' | 'pkcs1' | 'pkcs8'; encrypted: boolean; key: RsaPrivateKey }

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1'
/** Names for the algorithms an admin is likely to paste instead, so the refusal says what was seen. */
const OTHER_KEY_KINDS: Record<string, string> = {
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.110': 'X25519',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
}

/** PKCS#1 RSAPrivateKey DER; throws a plain Error when it does not parse (callers decide what that means). */
export function parsePkcs1(der: Uint8Array): RsaPrivateKey {
  const fields = readSequence(readDer(der))
  // Version 1 is multi-prime RSA, which neither OpenSSH nor WebCrypto takes.
  if (fields.length !== 9 || readUnsigned(fields[0]) !== 0n) throw new Error('PKCS#1: not a two-prime version 0 key')
  const [n, e, d, p, q, dp, dq, qi] = fields.slice(1).map(readUnsigned) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint]
  return { n, e, d, p, q, dp, dq, qi }
}

/** The PKCS#1 key inside an unencrypted PKCS#8 PrivateKeyInfo, refusing other algorithms as a format problem. */
export function unwrapPkcs8(der: Uint8Array): Uint8Array {
  let algorithm: string
  let inner: Uint8Array
  try {
    // PrivateKeyInfo / OneAsymmetricKey: version, AlgorithmIdentifier, OCTET STRING, then optional attributes.
    const [version, algorithmId, privateKey] = readSequence(readDer(der))
    const v = readUnsigned(version)
    if ((v !== 0n && v !== 1n) || !privateKey || privateKey.tag !== TAG.OCTET_STRING) throw new Error('PKCS#8: bad layout')
    algorithm = readOid(readSequence(algorithmId ?? { tag: 0, value: new Uint8Array() })[0])
    inner = privateKey.value
  } catch {
    throw corruptKey()
  }
  if (algorithm !== RSA_ENCRYPTION) {
    const kind = OTHER_KEY_KINDS[algorithm]
    throw kind ? notRsa(kind) : formatProblem()
  }
  return inner
}

export function encodePkcs1(k: RsaPrivateKey): Uint8Array<ArrayBuffer> {
  const ints = [0n, k.n, k.e, k.d, k.p, k.q, k.dp, k.dq, k.qi].map(encodeUnsigned)
  return encodeTlv(TAG.SEQUENCE, ...ints)
}

/** PrivateKeyInfo { 0, rsaEncryption with NULL parameters, PKCS#1 key }: the form WebCrypto imports. */
export function wrapPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  const rsaEncryptionOid = Uint8Array.of(TAG.OID, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01)
  const algorithm = encodeTlv(TAG.SEQUENCE, rsaEncryptionOid, Uint8Array.of(TAG.NULL, 0))
  return encodeTlv(TAG.SEQUENCE, encodeUnsigned(0n), algorithm, encodeTlv(TAG.OCTET_STRING, pkcs1))
}

export const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length)

/**
 * Proves the numbers form one RSA key: n = p·q, d inverts e modulo p−1 and q−1, and the CRT values
 * follow from them. A parse alone would pass a key with a damaged byte inside a number, and SSH
 * would then fail at connect time with an opaque error; the arithmetic costs well under a millisecond.
 */
export function checkRsaArithmetic(k: RsaPrivateKey): void {
  const { n, e, d, p, q } = k
  const sane =
    p > 1n &&
    q > 1n &&
    e > 1n &&
    e % 2n === 1n &&
    d > 0n &&
    d < n &&
    p * q === n &&
    (e * d) % (p - 1n) === 1n &&
    (e * d) % (q - 1n) === 1n &&
    k.dp === d % (p - 1n) &&
    k.dq === d % (q - 1n) &&
    (k.qi * q) % p === 1n
  if (!sane) throw corruptKey()
}

/**
 * The runtime's own RSA implementation (OpenSSL in Node, BoringSSL in workerd and Chrome) must
 * accept the key as well. Done on a freshly encoded PKCS#8 so every source format is judged alike.
 * Browsers hide WebCrypto on insecure (plain http) pages; there the arithmetic check stands alone
 * rather than every key being called corrupt.
 */
export async function checkImportable(k: RsaPrivateKey): Promise<void> {
  const subtle = typeof crypto === 'undefined' ? undefined : crypto.subtle
  if (!subtle) return
  try {
    const pkcs8 = wrapPkcs8(encodePkcs1(k))
    await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
  } catch {
    throw corruptKey()
  }
}
