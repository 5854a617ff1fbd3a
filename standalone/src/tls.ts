import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { createSecureContext } from 'node:tls'

export type TlsFiles = { cert: Buffer; key: Buffer; certFile: string; generated: boolean }

/**
 * npm start's certificate (seed 002 §4.1): the operator's (ORIEL_TLS_CERT, the certificate with its chain
 * concatenated, and ORIEL_TLS_KEY), else with ORIEL_TLS=1 the one in `<data>/certs/`, generated self-signed on
 * first start as Kasm's installer does; replacing those two files (and restarting) installs another. None: plain HTTP.
 */
export function loadTls(dataDir: string, env: Record<string, string | undefined>): TlsFiles | undefined {
  let certFile = env.ORIEL_TLS_CERT || undefined
  let keyFile = env.ORIEL_TLS_KEY || undefined
  let generated = false
  if (certFile || keyFile) {
    if (!certFile || !keyFile) throw new Error('ORIEL_TLS_CERT and ORIEL_TLS_KEY go together')
  } else {
    const on = env.ORIEL_TLS ?? ''
    if (!/^(1|true|on|yes|0|false|off|no|)$/i.test(on)) throw new Error(`ORIEL_TLS must be 1 or 0 (got ${JSON.stringify(on)})`)
    if (!/^(1|true|on|yes)$/i.test(on)) return undefined
    const dir = join(dataDir, 'certs')
    certFile = join(dir, 'oriel.crt')
    keyFile = join(dir, 'oriel.key')
    if (!existsSync(certFile) || !existsSync(keyFile)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      const name = hostname()
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-sha256',
          '-days',
          '3650',
          '-subj',
          `/CN=${name}`,
          '-addext',
          `subjectAltName=DNS:localhost,DNS:${name},IP:127.0.0.1,IP:::1`,
          '-keyout',
          keyFile,
          '-out',
          certFile,
        ],
        { stdio: 'pipe' },
      )
      generated = true
    }
    chmodSync(keyFile, 0o600)
  }
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file)
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
  }
  const cert = read(certFile, 'certificate')
  const key = read(keyFile, 'key')
  try {
    createSecureContext({ cert, key })
  } catch (err) {
    throw new Error(`the TLS certificate ${certFile} and key ${keyFile} do not make a pair: ${(err as Error).message}`)
  }
  return { cert, key, certFile, generated }
}
