// Helpers that wait for framebuffer contents through an RfbTestClient.
import type { RfbTestClient } from './client'
import { PIXEL_RECT_ENCODINGS, type Rect, type ServerMsg } from './server-reader'

/**
 * Waits until the updates received from message index `from` on cover the whole screen; returns
 * their rectangles. Like noVNC, it asks again after each update that does not finish the job (TigerVNC
 * answers the first request with pseudo-rectangles only, when the client asked for those).
 */
export async function waitForFullScreen(c: RfbTestClient, from: number, ms = 10_000): Promise<Rect[]> {
  const { width, height } = c.serverInit
  const covered = new Uint8Array(width * height)
  let count = 0
  const rects: Rect[] = []
  const seen = new Set<ServerMsg>()
  await c.waitFor(
    (m: ServerMsg) => {
      // waitFor re-checks messages it has already seen; each update is counted (and answered) once.
      if (m.type !== 'update' || seen.has(m)) return false
      seen.add(m)
      for (const r of m.rects) {
        rects.push(r)
        if (!PIXEL_RECT_ENCODINGS.has(r.encoding)) continue
        for (let y = r.y; y < Math.min(r.y + r.h, height); y++) {
          for (let x = r.x; x < Math.min(r.x + r.w, width); x++) {
            if (!covered[y * width + x]) ((covered[y * width + x] = 1), count++)
          }
        }
      }
      if (count === width * height) return true
      // Incremental: a non-incremental request would make TigerVNC repeat its ExtendedDesktopSize
      // answer first, every time; the region of the first request is still owed anyway.
      c.requestUpdate(true)
      return false
    },
    ms,
    from,
  )
  return rects
}

/** Requests a full (non-incremental) update in Raw and assembles the screen from it. */
export async function rawScreen(c: RfbTestClient, bytesPerPixel: number): Promise<Buffer> {
  const { width, height } = c.serverInit
  const from = c.messages.length
  c.requestUpdate(false)
  const screen = Buffer.alloc(width * height * bytesPerPixel)
  for (const r of await waitForFullScreen(c, from)) {
    if (r.encoding !== 0) throw new Error(`expected Raw, got encoding ${r.encoding}`)
    const row = r.w * bytesPerPixel
    for (let y = 0; y < r.h; y++) r.body.copy(screen, ((r.y + y) * width + r.x) * bytesPerPixel, y * row, (y + 1) * row)
  }
  return screen
}
