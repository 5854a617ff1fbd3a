import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkSshPrivateKey, type SshKeyCheck } from '../../schema/src/servers/ssh-key'

/**
 * Every key here is made fresh by ssh-keygen or Node's OpenSSL, so the checker is judged against
 * what real tools write, not against fixtures shaped to pass.
 */
const PASS = 'secret'
const PROBLEMS = ['format', 'size', 'passphrase_required', 'passphrase_wrong', 'corrupt', 'passphrase_unused']

let dir: string
const keys: Record<string, string> = {}
let rsa: KeyObject

/** ssh-keygen into the temp dir; returns the private key text. */
function sshKeygen(name: string, ...args: string[]): string {
  execFileSync('ssh-keygen', ['-q', '-C', 'test', '-f', join(dir, name), ...args], { stdio: 'pipe' })
  return readFileSync(join(dir, name), 'utf8')
}

/** A copy of the plain OpenSSH key re-encrypted under `cipher` (and `rounds` bcrypt rounds). */
function reencrypted(cipher: string, rounds = 16): string {
  const name = `re-${cipher}-${rounds}`
  execFileSync('cp', [join(dir, 'openssh'), join(dir, name)])
  execFileSync('ssh-keygen', ['-q', '-p', '-f', join(dir, name), '-P', '', '-N', PASS, '-Z', cipher, '-a', String(rounds)], {
    stdio: 'pipe',
  })
  return readFileSync(join(dir, name), 'utf8')
}

const pem = (label: string, der: Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`

/** The key as shortened for documentation: a few lines kept at each end, "..." between. */
function elided(text: string): string {
  const lines = text.trim().split('\n')
  return [...lines.slice(0, 6), '...', ...lines.slice(-3)].join('\n')
}

/** Body lines lost from the middle but the armor intact, as when a paste drops part of the text. */
function cutShort(text: string): string {
  const lines = text.trim().split('\n')
  return [...lines.slice(0, Math.floor(lines.length / 2)), lines.at(-1)!].join('\n')
}

const ok = (format: string, encrypted: boolean): SshKeyCheck => ({ ok: true, format, bits: 2048, encrypted }) as SshKeyCheck
const refused = (problem: string, message?: string) => ({ ok: false, problem, message: message ?? expect.any(String) })

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oriel-ssh-key-'))
  keys.openssh = sshKeygen('openssh', '-t', 'rsa', '-b', '2048', '-N', '')
  keys.opensshEnc = sshKeygen('openssh-enc', '-t', 'rsa', '-b', '2048', '-N', PASS)
  keys.openssh4096 = sshKeygen('openssh-4096', '-t', 'rsa', '-b', '4096', '-N', '')
  keys.ed25519 = sshKeygen('ed25519', '-t', 'ed25519', '-N', '')
  keys.ed25519Enc = sshKeygen('ed25519-enc', '-t', 'ed25519', '-N', PASS)
  keys.pemPlain = sshKeygen('pem', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '')
  keys.pemEnc = sshKeygen('pem-enc', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASS)

  rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const exp = (type: 'pkcs1' | 'pkcs8', cipher?: string) =>
    rsa.export(cipher ? { type, format: 'pem', cipher, passphrase: PASS } : { type, format: 'pem' }) as string
  keys.pkcs1 = exp('pkcs1')
  keys.pkcs1Aes128 = exp('pkcs1', 'aes-128-cbc')
  keys.pkcs1Aes192 = exp('pkcs1', 'aes-192-cbc')
  keys.pkcs1Aes256 = exp('pkcs1', 'aes-256-cbc')
  keys.pkcs1Des3 = exp('pkcs1', 'des-ede3-cbc')
  keys.pkcs8 = exp('pkcs8')
  keys.pkcs8Enc = exp('pkcs8', 'aes-256-cbc')
  keys.pkcs1Rsa1024 = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  keys.ecSec1 = ec.export({ type: 'sec1', format: 'pem' }) as string
  keys.ecPkcs8 = ec.export({ type: 'pkcs8', format: 'pem' }) as string
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('checkSshPrivateKey: accepted keys', () => {
  it('takes a plain OpenSSH key from ssh-keygen', async () => {
    expect(await checkSshPrivateKey(keys.openssh!, null)).toEqual(ok('openssh', false))
    expect(await checkSshPrivateKey(keys.openssh!, '')).toEqual(ok('openssh', false))
  })

  it('opens an encrypted OpenSSH key (bcrypt + aes256-ctr) with its passphrase', async () => {
    expect(keys.opensshEnc).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/)
    expect(await checkSshPrivateKey(keys.opensshEnc!, PASS)).toEqual(ok('openssh', true))
  })

  it.each(['aes128-ctr', 'aes192-ctr', 'aes128-cbc', 'aes256-cbc', 'aes256-gcm@openssh.com'])(
    'opens an OpenSSH key encrypted with %s, and refuses a wrong passphrase for it',
    async (cipher) => {
      const key = reencrypted(cipher)
      expect(await checkSshPrivateKey(key, PASS)).toEqual(ok('openssh', true))
      expect(await checkSshPrivateKey(key, 'not-it')).toEqual(refused('passphrase_wrong'))
    },
  )

  it('takes PKCS#1 from ssh-keygen -m PEM, plain and encrypted', async () => {
    expect(keys.pemPlain).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/]/)
    expect(await checkSshPrivateKey(keys.pemPlain!, null)).toEqual(ok('pkcs1', false))
    expect(keys.pemEnc).toContain('Proc-Type: 4,ENCRYPTED')
    expect(await checkSshPrivateKey(keys.pemEnc!, PASS)).toEqual(ok('pkcs1', true))
  })

  it('takes PKCS#1 from OpenSSL, plain and under each legacy AES cipher', async () => {
    expect(await checkSshPrivateKey(keys.pkcs1!, null)).toEqual(ok('pkcs1', false))
    for (const k of ['pkcs1Aes128', 'pkcs1Aes192', 'pkcs1Aes256']) {
      expect(await checkSshPrivateKey(keys[k]!, PASS), k).toEqual(ok('pkcs1', true))
    }
  })

  it('takes an unencrypted PKCS#8 RSA key', async () => {
    expect(keys.pkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(await checkSshPrivateKey(keys.pkcs8!, null)).toEqual(ok('pkcs8', false))
  })

  it('accepts CRLF line endings and whitespace around the block', async () => {
    const crlf = (s: string) => `\r\n  ${s.trim().replace(/\n/g, '\r\n')}\r\n\t\r\n`
    expect(await checkSshPrivateKey(crlf(keys.openssh!), null)).toEqual(ok('openssh', false))
    expect(await checkSshPrivateKey(crlf(keys.pkcs1Aes128!), PASS)).toEqual(ok('pkcs1', true))
    expect(await checkSshPrivateKey(`\n\n   ${keys.pkcs8}   \n`, null)).toEqual(ok('pkcs8', false))
  })
})

describe('checkSshPrivateKey: passphrases', () => {
  it('asks for a passphrase when an encrypted key comes without one', async () => {
    const required = refused('passphrase_required', 'Private key is encrypted and needs a passphrase')
    for (const k of ['opensshEnc', 'pemEnc', 'pkcs1Aes256']) {
      expect(await checkSshPrivateKey(keys[k]!, null), k).toEqual(required)
      expect(await checkSshPrivateKey(keys[k]!, ''), k).toEqual(required)
    }
  })

  it('says a wrong passphrase does not decrypt, for every encrypted format', async () => {
    const wrong = refused('passphrase_wrong', 'Passphrase does not decrypt the private key')
    for (const k of ['opensshEnc', 'pemEnc', 'pkcs1Aes128', 'pkcs1Aes192', 'pkcs1Aes256']) {
      expect(await checkSshPrivateKey(keys[k]!, 'secret2'), k).toEqual(wrong)
      expect(await checkSshPrivateKey(keys[k]!, 'Secret'), k).toEqual(wrong)
    }
  })

  it('refuses a passphrase for a key that is not encrypted', async () => {
    const unused = refused('passphrase_unused', 'A passphrase was given but the private key is not encrypted')
    for (const k of ['openssh', 'pemPlain', 'pkcs1', 'pkcs8']) {
      expect(await checkSshPrivateKey(keys[k]!, PASS), k).toEqual(unused)
    }
  })
})

describe('checkSshPrivateKey: refused keys', () => {
  it('refuses RSA sizes other than 2048 bits', async () => {
    expect(await checkSshPrivateKey(keys.openssh4096!, null)).toEqual(refused('size', 'Key size must be 2048 bits, not 4096'))
    expect(await checkSshPrivateKey(keys.pkcs1Rsa1024!, null)).toEqual(refused('size', 'Key size must be 2048 bits, not 1024'))
  })

  it('refuses non-RSA keys as a format problem, even when encrypted and without a passphrase', async () => {
    expect(await checkSshPrivateKey(keys.ed25519!, null)).toEqual(refused('format', 'Private key must be RSA, not ssh-ed25519'))
    expect(await checkSshPrivateKey(keys.ed25519Enc!, null)).toEqual(refused('format', 'Private key must be RSA, not ssh-ed25519'))
    expect(await checkSshPrivateKey(keys.ecSec1!, null)).toEqual(refused('format', 'Private key must be RSA, not EC'))
    expect(await checkSshPrivateKey(keys.ecPkcs8!, null)).toEqual(refused('format', 'Private key must be RSA, not EC'))
  })

  it('refuses encrypted PKCS#8 and encryption it cannot undo as format problems', async () => {
    expect(keys.pkcs8Enc).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    expect(await checkSshPrivateKey(keys.pkcs8Enc!, PASS)).toEqual(refused('format'))
    expect(await checkSshPrivateKey(keys.pkcs1Des3!, PASS)).toEqual(
      refused('format', 'Private key encryption DES-EDE3-CBC is not supported, use AES'),
    )
    expect(await checkSshPrivateKey(reencrypted('chacha20-poly1305@openssh.com'), PASS)).toEqual(refused('format'))
  })

  it('refuses bcrypt rounds high enough to stall the server', async () => {
    expect(await checkSshPrivateKey(reencrypted('aes256-ctr', 257), PASS)).toEqual(refused('format'))
  })

  it('calls a key shortened with "..." corrupt, in every format', async () => {
    const corrupt = refused('corrupt', 'Private key is truncated or corrupt')
    for (const [k, pass] of [
      ['openssh', null],
      ['opensshEnc', PASS],
      ['pemPlain', null],
      ['pkcs1Aes128', PASS],
      ['pkcs8', null],
    ] as const) {
      expect(await checkSshPrivateKey(elided(keys[k]!), pass), k).toEqual(corrupt)
    }
  })

  it('calls a key with lines missing corrupt, telling damage from a wrong passphrase', async () => {
    const corrupt = refused('corrupt', 'Private key is truncated or corrupt')
    for (const [k, pass] of [
      ['openssh', null],
      ['opensshEnc', PASS],
      ['pemPlain', null],
      ['pkcs8', null],
      ['pemEnc', PASS],
      ['pkcs1Aes256', PASS],
    ] as const) {
      expect(await checkSshPrivateKey(cutShort(keys[k]!), pass), k).toEqual(corrupt)
    }
    // Legacy CBC still decrypts its first block, so a wrong passphrase is still recognised as such.
    expect(await checkSshPrivateKey(cutShort(keys.pkcs1Aes256!), 'nope')).toEqual(refused('passphrase_wrong'))
    // A key cut off before its END line.
    expect(await checkSshPrivateKey(keys.openssh!.slice(0, 900), null)).toEqual(corrupt)
  })

  it('calls a well-formed PKCS#1 key whose numbers do not fit together corrupt', async () => {
    const der = new Uint8Array(rsa.export({ type: 'pkcs1', format: 'der' }))
    der[der.length - 1]! ^= 0x01 // inside qInv, the last INTEGER: the DER still parses
    expect(await checkSshPrivateKey(pem('RSA PRIVATE KEY', der), null)).toEqual(refused('corrupt'))
    expect(await checkSshPrivateKey(pem('RSA PRIVATE KEY', new Uint8Array(rsa.export({ type: 'pkcs1', format: 'der' }))), null)).toEqual(
      ok('pkcs1', false),
    )
  })

  it('refuses text that is not a PEM private key as a format problem', async () => {
    const publicKey = readFileSync(join(dir, 'openssh.pub'), 'utf8')
    const spki = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string
    for (const text of ['', '   ', 'hello world', 'not a key\n', publicKey, spki, 'PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n']) {
      expect(await checkSshPrivateKey(text, null), JSON.stringify(text.slice(0, 30))).toEqual(
        refused('format', 'Key must be an OpenSSH or RSA PKCS#1/PKCS#8 PEM private key'),
      )
    }
    expect(await checkSshPrivateKey(keys.openssh! + keys.pkcs1!, null)).toEqual(refused('format', 'Private key must be a single PEM block'))
  })
})

describe('checkSshPrivateKey: never throws', () => {
  /** Small deterministic PRNG so a failure reproduces. */
  function rng(seed: number) {
    return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  }
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

  function expectWellFormed(r: SshKeyCheck, label: string) {
    if (r.ok) {
      expect(['openssh', 'pkcs1', 'pkcs8'], label).toContain(r.format)
      expect(r.bits, label).toBe(2048)
    } else {
      expect(PROBLEMS, label).toContain(r.problem)
      expect(r.message, label).toMatch(/^[A-Z][^\n]*[^.]$/)
      expect(r.message, label).not.toContain(PASS)
    }
  }

  it('returns a verdict for prefixes, damaged characters and odd strings', async () => {
    const random = rng(42)
    const inputs: [string, string | null][] = []
    for (const k of ['openssh', 'pemPlain', 'pkcs1Aes128', 'pkcs8', 'ed25519']) {
      const text = keys[k]!
      const pass = k === 'pkcs1Aes128' ? PASS : null
      for (let cut = 0; cut < text.length; cut += 61) inputs.push([text.slice(0, cut) + '\n' + text.trim().split('\n').at(-1), pass])
      for (let i = 0; i < 60; i++) {
        const at = 40 + Math.floor(random() * (text.length - 80))
        const ch = B64[Math.floor(random() * 64)]!
        inputs.push([text.slice(0, at) + ch + text.slice(at + 1), pass])
      }
    }
    for (const odd of [
      '-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----',
      '\u0000\uffff',
      'x'.repeat(200_000),
    ]) {
      inputs.push([odd, null], [odd, PASS])
    }
    for (const [text, pass] of inputs) expectWellFormed(await checkSshPrivateKey(text, pass), JSON.stringify(text.slice(0, 80)))
    // A wrongly typed call from untyped JavaScript is a verdict too, not a crash.
    expect(await checkSshPrivateKey(undefined as unknown as string, null)).toEqual(refused('format'))
  })
})
