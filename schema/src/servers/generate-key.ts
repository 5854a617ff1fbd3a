import { bytesToBigint, encodeUnsigned } from './der'
import { encodePkcs1 } from './rsa-key'

const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
const big = (s: string | undefined) => bytesToBigint(b64url(s ?? ''))
const base64 = (bytes: Uint8Array) => {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
const sshString = (bytes: Uint8Array) => [u32(bytes.length), bytes]
/** An SSH mpint is the DER INTEGER's content: minimal, with a leading zero when the top bit is set. */
function mpint(n: bigint): Uint8Array {
  const tlv = encodeUnsigned(n)
  const lengthByte = tlv[1]!
  return tlv.subarray(lengthByte & 0x80 ? 2 + (lengthByte & 0x7f) : 2)
}

/**
 * A user's SSH key pair (Kasm gives each user one, for servers with "Use User SSH Key"): RSA 2048,
 * the private half as unencrypted PKCS#1 PEM (what guacd reads), the public half as an
 * authorized_keys line. WebCrypto only, so the Worker and Node make the same keys.
 */
export async function generateUserSshKey(comment: string): Promise<{ privatePem: string; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as { privateKey: Parameters<typeof crypto.subtle.exportKey>[1] }
  const j = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as unknown as Record<string, string | undefined>
  const key = { n: big(j.n), e: big(j.e), d: big(j.d), p: big(j.p), q: big(j.q), dp: big(j.dp), dq: big(j.dq), qi: big(j.qi) }
  const lines = base64(encodePkcs1(key)).match(/.{1,64}/g) ?? []
  const privatePem = `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----\n`
  const parts = [...sshString(new TextEncoder().encode('ssh-rsa')), ...sshString(mpint(key.e)), ...sshString(mpint(key.n))]
  const wire = new Uint8Array(parts.reduce((a, p) => a + p.length, 0))
  let at = 0
  for (const p of parts) wire.set(p, (at += p.length) - p.length)
  return { privatePem, publicKey: `ssh-rsa ${base64(wire)} ${comment}` }
}
