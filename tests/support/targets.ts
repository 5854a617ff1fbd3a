// Real targets for the connection proxy's tests, on this host: OpenSSH's sshd and TigerVNC's Xvnc, bound
// to the Docker bridge's gateway so the guacd container (tests/support/guacd.ts) reaches them. The tests
// run as root, which sshd (privilege separation) and useradd need.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './platform'

/** The address guacd's container reaches the host at: the default bridge's gateway (usually 172.17.0.1). */
export function bridgeGateway(): string {
  const out = execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}'], {
    encoding: 'utf8',
  }).trim()
  if (/^\d+\.\d+\.\d+\.\d+$/.test(out)) return out
  // Some engine/client pairs leave IPAM's gateway empty for the default bridge; docker0 holds it then.
  const dev = execFileSync('ip', ['-4', '-o', 'addr', 'show', 'docker0'], { encoding: 'utf8' })
  const m = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(dev)
  if (!m) throw new Error(`no gateway on Docker's bridge network: ${out || dev}`)
  return m[1]!
}

/** A local account with this password (created if absent; the password is set each time). */
export function ensureUser(name: string, password: string) {
  if (spawnSync('id', ['-u', name]).status !== 0) execFileSync('useradd', ['-m', '-s', '/bin/bash', name])
  execFileSync('chpasswd', { input: `${name}:${password}\n` })
}

/** Resolves once a TCP port accepts (sshd and Xvnc print nothing reliable when ready). */
async function waitListening(host: string, port: number, child: ChildProcess, what: string, log: () => string) {
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${log()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => (s.destroy(), resolve(true)))
      s.on('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${host}:${port}: ${log()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const stopper = (child: ChildProcess, dir: string) => () =>
  new Promise<void>((resolve) => {
    const done = () => (rmSync(dir, { recursive: true, force: true }), resolve())
    if (child.exitCode !== null || child.signalCode !== null) return done()
    child.once('exit', done)
    child.kill('SIGTERM')
  })

export type SshTarget = { host: string; port: number; log: () => string; stop: () => Promise<void> }

/**
 * sshd on the bridge gateway (or `o.host`, an address of this machine), password logins for `users` only. guacd 1.3.0's libssh2 offers only
 * ssh-rsa host keys and signatures (guacd-ci.md G2), hence an RSA host key and `+ssh-rsa`.
 */
export async function startSshd(users: { name: string; password: string }[], o: { host?: string } = {}): Promise<SshTarget> {
  for (const u of users) ensureUser(u.name, u.password)
  const host = o.host ?? bridgeGateway()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'oriel-sshd-'))
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', join(dir, 'host_rsa')])
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const config = join(dir, 'sshd_config')
  writeFileSync(
    config,
    [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${join(dir, 'host_rsa')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'HostKeyAlgorithms +ssh-rsa',
      'PubkeyAcceptedAlgorithms +ssh-rsa',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${users.map((u) => u.name).join(' ')}`,
      'LogLevel VERBOSE',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  )
  const logFile = join(dir, 'sshd.log')
  const child = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-E', logFile], { stdio: 'ignore' })
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
  await waitListening(host, port, child, 'sshd', log)
  return { host, port, log, stop: stopper(child, dir) }
}

export type VncTarget = { host: string; port: number; display: number; password: string; stop: () => Promise<void> }

/** Xvnc with VNC authentication on the bridge gateway (none when `password` is null), on the first free display from :40. */
export async function startXvnc(password: string | null): Promise<VncTarget> {
  const host = bridgeGateway()
  const port = await freePort()
  let display = 40
  while (existsSync(`/tmp/.X11-unix/X${display}`) || existsSync(`/tmp/.X${display}-lock`)) display++
  const dir = mkdtempSync(join(tmpdir(), 'oriel-xvnc-'))
  const passwordFile = join(dir, 'passwd')
  if (password !== null) writeFileSync(passwordFile, execFileSync('vncpasswd', ['-f'], { input: `${password}\n` }), { mode: 0o600 })
  const security = password === null ? ['-SecurityTypes', 'None'] : ['-SecurityTypes', 'VncAuth', '-PasswordFile', passwordFile]
  let output = ''
  const child = spawn(
    'Xvnc',
    [`:${display}`, '-rfbport', String(port), '-interface', host, ...security].concat([
      '-geometry',
      '1024x768',
      '-depth',
      '24',
      '-AlwaysShared',
      '-nolisten',
      'tcp',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  await waitListening(host, port, child, 'Xvnc', () => output)
  return { host, port, display, password: password ?? '', stop: stopper(child, dir) }
}

/** An xterm running bash on an Xvnc display, at the top left (no window manager: the pointer gives it the keyboard). */
export function startXterm(display: number): () => void {
  const child = spawn('xterm', ['-geometry', '80x24+0+0', '-e', 'bash'], {
    env: { ...process.env, DISPLAY: `:${display}` },
    stdio: 'ignore',
  })
  return () => void child.kill('SIGKILL')
}

export type KasmvncTarget = { host: string; port: number; ca: string; stop: () => Promise<void> }

/**
 * What stands in for a KasmVNC server (named so: KasmVNC is not packaged for Debian): websockify over TLS
 * only, behind HTTP basic auth, in front of an Xvnc without VNC authentication, as KasmVNC itself answers
 * on `wss://host:port/websockify`. Its certificate is self-signed for the bridge address; `ca` is the file
 * a proxy must trust (NODE_EXTRA_CA_CERTS), as an admin installs a KasmVNC server's certificate.
 */
export async function startKasmvncStandIn(vnc: VncTarget, login: { username: string; password: string }): Promise<KasmvncTarget> {
  const host = bridgeGateway()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'oriel-kasmvnc-'))
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=kasmvnc-stand-in'].concat([
      '-addext',
      `subjectAltName=IP:${host}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'pipe' },
  )
  let output = ''
  const child = spawn(
    'websockify',
    [
      `--cert=${cert}`,
      `--key=${key}`,
      '--ssl-only',
      '--auth-plugin=BasicHTTPAuth',
      `--auth-source=${login.username}:${login.password}`,
    ].concat([`${host}:${port}`, `${vnc.host}:${vnc.port}`]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (d: Buffer) => (output += d.toString()))
  await waitListening(host, port, child, 'websockify', () => output)
  return { host, port, ca: cert, stop: stopper(child, dir) }
}

export type XrdpTarget = { host: string; port: number; log: () => string; stop: () => Promise<void> }

/**
 * xrdp with its sesman on the bridge gateway (guacd-ci.md §3, G9): copies of Debian's configs with file
 * logging and the `[Xorg]` backend removed, so a login starts an Xvnc session whose Xsession, with no
 * desktop installed, is an xterm. Sessions run as the logged-in user and outlive sesman: `stop` ends
 * that user's processes (`sessionUser`).
 */
export async function startXrdp(sessionUser: string): Promise<XrdpTarget> {
  const host = bridgeGateway()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'oriel-xrdp-'))
  const [xrdpIni, sesmanIni, xrdpLog, sesmanLog] = ['xrdp.ini', 'sesman.ini', 'xrdp.log', 'sesman.log'].map((f) => join(dir, f)) as [
    string,
    string,
    string,
    string,
  ]
  const xrdp = readFileSync('/etc/xrdp/xrdp.ini', 'utf8')
    .replace(/^port=3389$/m, `port=tcp://${host}:${port}`)
    .replace(/^LogFile=.*$/m, `LogFile=${xrdpLog}`)
    .replace(/^EnableSyslog=.*$/m, 'EnableSyslog=false')
    .replace(/^\[Xorg\]\n[\s\S]*?(?=^\[)/m, '')
  writeFileSync(xrdpIni, xrdp)
  writeFileSync(
    sesmanIni,
    readFileSync('/etc/xrdp/sesman.ini', 'utf8')
      .replace(/^LogFile=xrdp-sesman\.log$/m, `LogFile=${sesmanLog}`)
      .replace(/^EnableSyslog=.*$/gm, 'EnableSyslog=false'),
  )
  mkdirSync('/run/xrdp/sockdir', { recursive: true, mode: 0o1777 })
  const sesman = spawn('xrdp-sesman', ['-n', '-c', sesmanIni], { stdio: 'ignore' })
  const server = spawn('xrdp', ['-n', '-c', xrdpIni], { stdio: 'ignore' })
  const log = () => [xrdpLog, sesmanLog].map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')).join('\n')
  await waitListening(host, port, server, 'xrdp', log)
  const stopServer = stopper(server, dir)
  return {
    host,
    port,
    log,
    stop: async () => {
      sesman.kill('SIGTERM')
      await stopServer()
      spawnSync('pkill', ['-KILL', '-u', sessionUser])
    },
  }
}
