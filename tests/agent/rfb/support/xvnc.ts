// A real TigerVNC Xvnc per test file (project rule: real components, no fake VNC server), plus xclip to
// read and own its X selections and xev to see the input that reaches the X server.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Selection = 'primary' | 'clipboard'

export interface XvncOptions {
  /**
   * Treat every connection as shared (TigerVNC's -AlwaysShared, as the workspace image runs it).
   * Off, a client that asks for exclusive access disconnects the others (RFC 6143 §7.3.1).
   */
  alwaysShared?: boolean
}

/** Input events the X server delivered to its root window, as xev reports them. */
export interface InputWatch {
  /** Keysyms of the key presses seen so far (0x61 for "a"). */
  keys(): number[]
  /** Root coordinates of pointer motion and button presses seen so far. */
  pointer(): { x: number; y: number }[]
  stop(): Promise<void>
}

export interface Xvnc {
  display: number
  port: number
  /** Current text of an X selection, or null when nobody owns it. */
  readSelection(selection: Selection): Promise<string | null>
  /** Makes an xclip process own `selection` with `text` until stop() (or until someone takes it). */
  ownSelection(selection: Selection, text: string): Promise<void>
  /** Starts recording keyboard and mouse events on the root window (no window manager: all input lands there). */
  watchInput(): Promise<InputWatch>
  stop(): Promise<void>
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

const displayInUse = (n: number) => existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitForPort(port: number, proc: ChildProcess, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until && proc.exitCode === null) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)))
      s.on('error', () => resolve(false))
    })
    if (ok) return true
    await sleep(50)
  }
  return false
}

const exited = (p: ChildProcess) =>
  p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r()))

export async function startXvnc(password: string, opts: XvncOptions = {}): Promise<Xvnc> {
  const dir = mkdtempSync(join(tmpdir(), 'oriel-xvnc-'))
  const passwdFile = join(dir, 'passwd')
  writeFileSync(passwdFile, execFileSync('tigervncpasswd', ['-f'], { input: `${password}\n` }), { mode: 0o600 })
  const owners = new Set<ChildProcess>()
  // Displays are a host-wide namespace; another Xvnc may grab ours between the check and the start.
  for (let attempt = 0; attempt < 8; attempt++) {
    const display = 100 + Math.floor(Math.random() * 800)
    if (displayInUse(display)) continue
    const port = await freePort()
    const args = [`:${display}`, '-rfbport', String(port), '-SecurityTypes', 'VncAuth', '-rfbauth', passwdFile]
    // -retro draws the classic stipple root window, so framebuffer contents are not all zero.
    args.push('-geometry', '640x480', '-depth', '24', '-localhost', '-retro')
    if (opts.alwaysShared ?? true) args.push('-AlwaysShared')
    const proc = spawn('Xvnc', args, { stdio: 'ignore' })
    if (!(await waitForPort(port, proc, 10_000))) {
      proc.kill('SIGKILL')
      await exited(proc)
      continue
    }
    // Backstop for a worker that dies before afterAll: an orphaned Xvnc would hold its display and port.
    const killOnExit = () => {
      for (const o of owners) o.kill('SIGKILL')
      proc.kill('SIGKILL')
    }
    process.once('exit', killOnExit)
    const xclip = (args: string[]) => ['-display', `:${display}`, '-selection', ...args]
    return {
      display,
      port,
      readSelection: (selection) =>
        new Promise((resolve) => {
          execFile('xclip', xclip([selection, '-o']), { timeout: 3000 }, (err, stdout) => resolve(err ? null : stdout))
        }),
      ownSelection: async (selection, text) => {
        // -quiet keeps xclip in the foreground (it would fork otherwise), so stop() can kill it.
        const owner = spawn('xclip', xclip([selection, '-i', '-quiet']), { stdio: ['pipe', 'ignore', 'ignore'] })
        owners.add(owner)
        owner.stdin!.end(text)
        const until = Date.now() + 5000
        while (Date.now() < until) {
          const current = await new Promise<string | null>((resolve) =>
            execFile('xclip', xclip([selection, '-o']), { timeout: 3000 }, (err, out) => resolve(err ? null : out)),
          )
          if (current === text) return
          await sleep(50)
        }
        throw new Error(`xclip did not take the ${selection} selection`)
      },
      watchInput: async () => {
        const xev = spawn('xev', ['-display', `:${display}`, '-root', '-event', 'keyboard', '-event', 'mouse', '-event', 'property'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        })
        owners.add(xev)
        let out = ''
        xev.stdout!.setEncoding('utf8').on('data', (d: string) => void (out += d))
        // Input sent before xev has selected it would be missed: wait until a property change on the
        // root window (made here with xprop) shows up in its output.
        const until = Date.now() + 5000
        while (!out.includes('PropertyNotify') && Date.now() < until) {
          await new Promise<void>((r) =>
            execFile('xprop', ['-display', `:${display}`, '-root', '-f', 'ORIEL_PING', '8s', '-set', 'ORIEL_PING', 'x'], () => r()),
          )
          await sleep(50)
        }
        if (!out.includes('PropertyNotify')) throw new Error('xev did not start watching the root window')
        return {
          keys: () => [...out.matchAll(/KeyPress event[^]*?keysym 0x([0-9a-f]+)/g)].map((m) => parseInt(m[1]!, 16)),
          pointer: () =>
            [...out.matchAll(/(?:MotionNotify|ButtonPress) event[^]*?root:\((\d+),(\d+)\)/g)].map((m) => ({
              x: Number(m[1]),
              y: Number(m[2]),
            })),
          stop: async () => {
            xev.kill('SIGKILL')
            await exited(xev)
            owners.delete(xev)
          },
        }
      },
      stop: async () => {
        process.off('exit', killOnExit)
        for (const o of owners) o.kill('SIGKILL')
        await Promise.all([...owners].map(exited))
        proc.kill('SIGTERM')
        await Promise.race([exited(proc), sleep(5000)])
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw new Error('could not start Xvnc on a free display')
}
