import net from 'node:net'

export type GuacdAddress = { host: string; port: number }
export type GuacdHealth = { ok: true; version: string } | { ok: false; error: string }

/**
 * Whether guacd answers as guacd (each probe makes guacd start a client process that waits about
 * 15 s for the rest of the handshake, so probes must be rare: watchGuacd): a TCP connect is not enough (Docker's proxy accepts on a published
 * port even when nothing listens behind it), so the probe starts a handshake, `select` of the SSH
 * protocol, and waits for guacd's `args`, whose first value is its protocol version. Then it hangs up.
 */
export function probeGuacd(guacd: GuacdAddress, timeoutMs = 2_000): Promise<GuacdHealth> {
  return new Promise((resolve) => {
    let answer = ''
    const socket = net.connect(guacd)
    const done = (health: GuacdHealth) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(health)
    }
    const timer = setTimeout(
      () => done({ ok: false, error: `guacd at ${guacd.host}:${guacd.port} did not answer within ${timeoutMs} ms` }),
      timeoutMs,
    )
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write('6.select,3.ssh;'))
    socket.on('data', (chunk: string) => {
      answer += chunk
      const end = answer.indexOf(';')
      if (end === -1 && answer.length < 4096) return
      const version = /^4\.args,\d+\.(VERSION_[0-9_]+)[,;]/.exec(answer)?.[1]
      done(version ? { ok: true, version } : { ok: false, error: `guacd at ${guacd.host}:${guacd.port} answered something else than args` })
    })
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, error: `guacd at ${guacd.host}:${guacd.port}: ${err.code ?? err.message}` }),
    )
    socket.on('close', () => done({ ok: false, error: `guacd at ${guacd.host}:${guacd.port} closed the connection` }))
  })
}

/** How often guacd is probed: each probe leaves an idle guacd process for about 15 s (its handshake timeout). */
export const GUACD_PROBE_INTERVAL_MS = 5_000

/**
 * guacd's health, probed by one process for the whole proxy every `intervalMs`, one probe at a time:
 * a probe per health request would fork a guacd process for each (see probeGuacd), and bursts of
 * simultaneous guacd sessions can hang guacd (conn-proxy/README.md). `onChange` hears each result.
 */
export function watchGuacd(guacd: GuacdAddress, onResult: (health: GuacdHealth) => void, intervalMs = GUACD_PROBE_INTERVAL_MS) {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const tick = async () => {
    const health = await probeGuacd(guacd)
    if (stopped) return
    onResult(health)
    timer = setTimeout(() => void tick(), intervalMs)
  }
  void tick()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
