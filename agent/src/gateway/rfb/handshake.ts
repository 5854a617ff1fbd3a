// The relay terminates the RFB handshake on both sides (RFC 6143 §7.1–7.3). Towards the container it
// is an RFB 3.8 client that answers VncAuth with the session's VNC password; towards the browser it is
// an RFB 3.8 server offering only security type None, because the browser was already authorised by
// the edge-signed stream token and the VNC password must never reach it.
import { vncAuthResponse } from './des'
import { parsePixelFormat, type PixelFormat } from './pixel-format'
import { RfbProtocolError } from './scanner'

export interface HandshakeIo {
  read(n: number): Promise<Buffer>
  write(bytes: Buffer): void
}

export const SecurityType = { None: 1, VncAuth: 2 } as const

const VERSION_3_8 = 'RFB 003.008\n'
const MAX_REASON = 4096
const MAX_DESKTOP_NAME = 64 * 1024

/** A server-supplied failure reason, made safe to put in a log line. */
async function readReason(io: HandshakeIo): Promise<string> {
  const n = (await io.read(4)).readUInt32BE(0)
  if (n > MAX_REASON) return '(reason too long)'
  return (await io.read(n))
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 200)
}

/** Towards the container: version, security (VncAuth preferred, None accepted) and its result. */
export async function authenticateUpstream(io: HandshakeIo, password: string): Promise<void> {
  const version = (await io.read(12)).toString('latin1')
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(version)
  const [major, minor] = [Number(m?.[1]), Number(m?.[2])]
  // 3.3 and 3.7 differ in the security exchange; every server we relay to (TigerVNC, KasmVNC) has 3.8.
  if (!m || major < 3 || (major === 3 && minor < 8)) throw new RfbProtocolError(`upstream version ${JSON.stringify(version)}`)
  io.write(Buffer.from(VERSION_3_8, 'latin1'))

  const count = (await io.read(1))[0]!
  if (count === 0) throw new RfbProtocolError(`upstream refused the connection: ${await readReason(io)}`)
  const types = [...(await io.read(count))]
  if (types.includes(SecurityType.VncAuth)) {
    io.write(Buffer.from([SecurityType.VncAuth]))
    const challenge = await io.read(16)
    io.write(Buffer.from(vncAuthResponse(password, challenge)))
  } else if (types.includes(SecurityType.None)) {
    io.write(Buffer.from([SecurityType.None]))
  } else {
    throw new RfbProtocolError(`upstream offers only security types ${types.join(',')}`)
  }
  if ((await io.read(4)).readUInt32BE(0) !== 0) {
    throw new RfbProtocolError(`upstream authentication failed: ${await readReason(io)}`)
  }
}

/** Towards the browser: version, security None, its result; returns the ClientInit shared-flag byte. */
export async function acceptBrowser(io: HandshakeIo): Promise<number> {
  io.write(Buffer.from(VERSION_3_8, 'latin1'))
  const version = (await io.read(12)).toString('latin1')
  if (version !== VERSION_3_8) throw new RfbProtocolError(`browser version ${JSON.stringify(version)}`)
  io.write(Buffer.from([1, SecurityType.None]))
  const chosen = (await io.read(1))[0]!
  if (chosen !== SecurityType.None) {
    const reason = Buffer.from('security type not offered', 'latin1')
    const failed = Buffer.alloc(8)
    failed.writeUInt32BE(1, 0)
    failed.writeUInt32BE(reason.length, 4)
    io.write(Buffer.concat([failed, reason]))
    throw new RfbProtocolError(`browser chose security type ${chosen}`)
  }
  io.write(Buffer.alloc(4)) // SecurityResult OK
  return (await io.read(1))[0]!
}

/** Sends ClientInit (with `sharedFlag`) upstream and returns the ServerInit bytes to relay, with its pixel format. */
export async function initUpstream(io: HandshakeIo, sharedFlag: number): Promise<{ serverInit: Buffer; pixelFormat: PixelFormat }> {
  io.write(Buffer.from([sharedFlag]))
  const head = await io.read(24) // width, height, pixel format, name length
  const pixelFormat = parsePixelFormat(head.subarray(4, 20))
  const nameLength = head.readUInt32BE(20)
  if (nameLength > MAX_DESKTOP_NAME) throw new RfbProtocolError(`desktop name of ${nameLength} bytes`)
  const name = await io.read(nameLength)
  return { serverInit: Buffer.concat([head, name]), pixelFormat }
}
