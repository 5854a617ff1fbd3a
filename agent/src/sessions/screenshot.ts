import net from 'node:net'
import jpeg from 'jpeg-js'
import { authenticateUpstream, initUpstream } from '../gateway/rfb/handshake'

/** A screenshot is a preview: small and moderately compressed. */
export const JPEG_QUALITY = 70
const CAPTURE_TIMEOUT_MS = 10_000
/** Refuse absurd screens rather than allocate for them (8K at 32 bpp is 132 MB). */
const MAX_PIXELS = 7680 * 4320

/** Exact-length reads from a socket, without the handshake reader's 1 MiB cap (a frame is MBs). */
function socketReader(sock: net.Socket) {
  let chunks: Buffer[] = []
  let size = 0
  let wake: (() => void) | undefined
  let failure: Error | undefined
  sock.on('data', (d: Buffer) => {
    chunks.push(d)
    size += d.length
    wake?.()
  })
  const fail = (e: Error) => {
    failure ??= e
    wake?.()
  }
  sock.on('error', fail)
  sock.on('close', () => fail(new Error('the VNC server closed the connection')))
  return {
    async read(n: number): Promise<Buffer> {
      while (size < n) {
        if (failure) throw failure
        await new Promise<void>((r) => (wake = r))
      }
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      chunks = n < all.length ? [all.subarray(n)] : []
      size -= n
      return all.subarray(0, n)
    },
    write: (b: Buffer) => void sock.write(b),
  }
}

/**
 * Grabs the session's framebuffer over RFB (as a VNC client with the session password, asking for
 * Raw 32-bit pixels) and encodes it as JPEG, scaled down to at most `maxWidth` pixels wide.
 */
export async function captureJpeg(host: string, port: number, password: string, maxWidth: number): Promise<Buffer> {
  const sock = net.connect({ host, port })
  const timer = setTimeout(() => sock.destroy(new Error('screenshot timed out')), CAPTURE_TIMEOUT_MS)
  try {
    const io = socketReader(sock)
    await authenticateUpstream(io, password)
    const { serverInit } = await initUpstream(io, 1)
    const width = serverInit.readUInt16BE(0)
    const height = serverInit.readUInt16BE(2)
    if (width * height > MAX_PIXELS || width === 0 || height === 0) throw new Error(`unusable screen size ${width}x${height}`)
    // SetPixelFormat: 32 bpp, depth 24, little-endian, true colour, 8-bit channels at R=16 G=8 B=0.
    io.write(Buffer.from([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]))
    // SetEncodings: Raw only.
    io.write(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0]))
    const request = Buffer.alloc(10)
    request.writeUInt8(3, 0)
    request.writeUInt16BE(width, 6)
    request.writeUInt16BE(height, 8)
    io.write(request)
    const rgba = Buffer.alloc(width * height * 4)
    let covered = 0
    while (covered < width * height) {
      const type = (await io.read(1))[0]
      if (type === 0) {
        const count = (await io.read(3)).readUInt16BE(1)
        for (let i = 0; i < count; i++) {
          const head = await io.read(12)
          const [x, y, w, h] = [head.readUInt16BE(0), head.readUInt16BE(2), head.readUInt16BE(4), head.readUInt16BE(6)]
          const encoding = head.readInt32BE(8)
          if (encoding !== 0) {
            if (encoding === -223) continue // DesktopSize: no pixels
            throw new Error(`unexpected encoding ${encoding}`)
          }
          const px = await io.read(w * h * 4)
          for (let row = 0; row < h; row++) {
            for (let col = 0; col < w; col++) {
              const s = (row * w + col) * 4
              const d = ((y + row) * width + (x + col)) * 4
              if (d + 3 >= rgba.length) continue
              rgba[d] = px[s + 2]!
              rgba[d + 1] = px[s + 1]!
              rgba[d + 2] = px[s]!
              rgba[d + 3] = 255
            }
          }
          covered += w * h
        }
      } else if (type === 1) {
        const head = await io.read(5)
        await io.read(head.readUInt16BE(3) * 6)
      } else if (type === 3) {
        await io.read((await io.read(7)).readUInt32BE(3))
      } else if (type !== 2) {
        throw new Error(`unexpected server message ${type}`)
      }
    }
    return encodeScaled(rgba, width, height, Math.max(16, Math.min(maxWidth, width)))
  } finally {
    clearTimeout(timer)
    sock.destroy()
  }
}

/** Nearest-neighbour scaling is enough for a thumbnail and needs no image library. */
function encodeScaled(rgba: Buffer, width: number, height: number, outWidth: number): Buffer {
  const outHeight = Math.max(1, Math.round((height * outWidth) / width))
  const out = Buffer.alloc(outWidth * outHeight * 4)
  for (let y = 0; y < outHeight; y++) {
    const sy = Math.floor((y * height) / outHeight)
    for (let x = 0; x < outWidth; x++) {
      const sx = Math.floor((x * width) / outWidth)
      rgba.copy(out, (y * outWidth + x) * 4, (sy * width + sx) * 4, (sy * width + sx) * 4 + 4)
    }
  }
  return jpeg.encode({ data: out, width: outWidth, height: outHeight }, JPEG_QUALITY).data
}
