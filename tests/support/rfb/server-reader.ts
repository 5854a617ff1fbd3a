// The test client's own reading of server→client messages, written from the RFB spec with awaited
// reads (not the relay's streaming scanner), so a framing mistake in the relay shows up as garbage here.
export interface ClientPixelFormat {
  bitsPerPixel: number
  depth: number
  trueColour: boolean
  redMax: number
  greenMax: number
  blueMax: number
}

export interface Rect {
  x: number
  y: number
  w: number
  h: number
  encoding: number
  /** Body bytes (everything after the 12-byte rectangle header). */
  body: Buffer
}

export type ServerMsg =
  | { type: 'update'; rects: Rect[] }
  | { type: 'colour-map'; first: number; count: number }
  | { type: 'bell' }
  | { type: 'cut-text'; text: string }
  | { type: 'ext-clipboard'; flags: number; payload: Buffer }
  | { type: 'end-of-continuous-updates' }
  | { type: 'fence'; flags: number; payload: Buffer }

type Read = (n: number) => Promise<Buffer>

export const PIXEL_RECT_ENCODINGS = new Set([0, 1, 2, 7, 16])

/** `format` is asked only once a message starts: the client may have changed it while waiting. */
export async function readServerMessage(read: Read, format: () => ClientPixelFormat): Promise<ServerMsg> {
  const type = (await read(1))[0]!
  const pf = format()
  switch (type) {
    case 0: {
      const n = (await read(3)).readUInt16BE(1)
      const rects: Rect[] = []
      for (let i = 0; i < n; i++) {
        const h = await read(12)
        const r = { x: h.readUInt16BE(0), y: h.readUInt16BE(2), w: h.readUInt16BE(4), h: h.readUInt16BE(6), encoding: h.readInt32BE(8) }
        if (r.encoding === -224) break // LastRect
        rects.push({ ...r, body: await readRectBody(read, r, pf) })
      }
      return { type: 'update', rects }
    }
    case 1: {
      const h = await read(5)
      const count = h.readUInt16BE(3)
      await read(6 * count)
      return { type: 'colour-map', first: h.readUInt16BE(1), count }
    }
    case 2:
      return { type: 'bell' }
    case 3: {
      const length = (await read(7)).readInt32BE(3)
      if (length >= 0) return { type: 'cut-text', text: (await read(length)).toString('latin1') }
      const body = await read(-length)
      return { type: 'ext-clipboard', flags: body.readUInt32BE(0), payload: body.subarray(4) }
    }
    case 150:
      return { type: 'end-of-continuous-updates' }
    case 248: {
      const h = await read(8)
      return { type: 'fence', flags: h.readUInt32BE(3), payload: await read(h[7]!) }
    }
    default:
      throw new Error(`test client: unexpected server message type ${type}`)
  }
}

async function readRectBody(read: Read, r: { w: number; h: number; encoding: number }, pf: ClientPixelFormat): Promise<Buffer> {
  const bpp = pf.bitsPerPixel / 8
  const parts: Buffer[] = []
  const take = async (n: number) => {
    const b = await read(n)
    parts.push(b)
    return b
  }
  switch (r.encoding) {
    case 0:
      await take(r.w * r.h * bpp)
      break
    case 1:
      await take(4)
      break
    case 2:
      await take((await take(4 + bpp)).readUInt32BE(0) * (bpp + 8))
      break
    case 16:
      await take((await take(4)).readUInt32BE(0))
      break
    case 7:
      await readTight(take, r.w, r.h, pf)
      break
    case -239:
      await take(r.w * r.h * bpp + ((r.w + 7) >> 3) * r.h)
      break
    case -308:
      await take(16 * (await take(4))[0]!)
      break
    case -307:
      await take((await take(4)).readUInt32BE(0))
      break
    case -261:
      await take(1)
      break
    case -223:
    case -258:
      break
    default:
      throw new Error(`test client: unexpected rectangle encoding ${r.encoding}`)
  }
  return Buffer.concat(parts)
}

async function readTight(take: Read, w: number, h: number, pf: ClientPixelFormat): Promise<void> {
  const tpix =
    pf.trueColour && pf.bitsPerPixel === 32 && pf.depth === 24 && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255
      ? 3
      : pf.bitsPerPixel / 8
  const compact = async () => {
    let n = 0
    for (let i = 0; i < 3; i++) {
      const b = (await take(1))[0]!
      n |= (i < 2 ? b & 0x7f : b) << (7 * i)
      if (i < 2 && !(b & 0x80)) break
    }
    return n
  }
  const cc = (await take(1))[0]! >> 4
  if (cc === 8) return void (await take(tpix))
  if (cc === 9) return void (await take(await compact()))
  if (cc > 9) throw new Error(`test client: tight control ${cc}`)
  let size = w * h * tpix
  if (cc & 4) {
    const filter = (await take(1))[0]!
    if (filter === 1) {
      const colours = (await take(1))[0]! + 1
      await take(colours * tpix)
      size = colours <= 2 ? ((w + 7) >> 3) * h : w * h
    } else if (filter !== 0 && filter !== 2) {
      throw new Error(`test client: tight filter ${filter}`)
    }
  }
  await take(size < 12 ? size : await compact())
}
