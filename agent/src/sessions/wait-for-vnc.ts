import net from 'node:net'

const RETRY_MS = 15

/**
 * Waits until the session's VNC server sends its RFB banner. A TCP connect alone is not enough: the
 * port can accept before Xvnc is ready (docs/architecture.md#docker-readiness).
 */
export async function waitForVnc(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('aborted')
    if (await bannerOnce(host, port)) return
    // Xvnc comes up some 250 ms after the container starts; a short retry keeps that wait tight.
    await new Promise((r) => setTimeout(r, RETRY_MS))
  }
  throw new Error(`the session's VNC server did not answer within ${Math.round(timeoutMs / 1000)} s`)
}

function bannerOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port })
    let got = ''
    const done = (ok: boolean) => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(1000, () => done(false))
    sock.on('data', (d) => {
      got += d.toString('latin1')
      if (got.length >= 12) done(got.startsWith('RFB 003.'))
    })
    sock.on('error', () => done(false))
    sock.on('close', () => done(false))
  })
}
