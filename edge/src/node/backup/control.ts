// The running Oriel's control socket, `<data dir>/run/control.sock`: how `npm run backup` reaches a
// PGlite that only the running process may open, and how both commands know Oriel is running.
// Protocol: the client sends one JSON line, {"op":"ping"} or {"op":"backup"}; the server answers one
// JSON line, {"ok":true,"database":…} or {"ok":false,"error":…}, and for a backup the file's bytes follow.
// Only the data folder's owner can connect: run/ is 0700 and the socket 0600.
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import type { Db } from '#schema'
import { errorFields, type Logger } from '../../log'
import { writeBackup } from './dump'
import { BackupError, type BackupHeader } from './format'
import { currentSecrets, type Env } from './secrets'

export const controlSocketPath = (dataDir: string) => join(dataDir, 'run', 'control.sock')
/** Linux keeps a socket's path in 108 bytes, its NUL included. */
const MAX_SOCKET_PATH_BYTES = 107
const REQUEST_TIMEOUT_MS = 10_000

export type ControlInfo = { database: BackupHeader['database'] }
export type ControlSocketOptions = { dataDir: string; db: Db; database: string; env: Env; log: Logger }

/**
 * Serves the control socket until closed. Refuses to start when another Oriel answers on the same
 * data folder (two processes on one PGlite would corrupt it); a stale socket file is replaced.
 */
export async function startControlSocket(opts: ControlSocketOptions): Promise<{ close: () => Promise<void> }> {
  const path = controlSocketPath(opts.dataDir)
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    opts.log.warn('control socket not started: the data folder path is too long; npm run backup cannot reach this Oriel while it runs', {
      bytes: Buffer.byteLength(path),
    })
    return { close: async () => {} }
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  chmodSync(dirname(path), 0o700)
  if (existsSync(path)) {
    if (await pingControl(opts.dataDir).catch(() => null))
      throw new Error(`another Oriel is running on ${opts.dataDir} (its control socket answers)`)
    rmSync(path, { force: true })
  }
  const info: ControlInfo = { database: opts.database === 'postgres' ? 'postgres' : 'pglite' }
  const connections = new Set<Socket>()
  const server = createServer((conn) => {
    connections.add(conn)
    conn.on('close', () => connections.delete(conn))
    serve(conn, opts, info).catch((err) => {
      opts.log.error('control request failed', errorFields(err))
      conn.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      resolve()
    })
  })
  chmodSync(path, 0o600)
  return {
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // A backup still being written is cut off; its client finds the file incomplete and says so.
      for (const c of connections) c.destroy()
      await closed
      rmSync(path, { force: true })
    },
  }
}

async function serve(conn: Socket, opts: ControlSocketOptions, info: ControlInfo) {
  conn.setTimeout(REQUEST_TIMEOUT_MS, () => conn.destroy())
  const { line } = await readLine(conn)
  const op = (JSON.parse(line) as { op?: unknown }).op
  if (op === 'ping') return void conn.end(`${JSON.stringify({ ok: true, ...info })}\n`)
  if (op !== 'backup') return void conn.end(`${JSON.stringify({ ok: false, error: 'unknown request' })}\n`)
  conn.setTimeout(0)
  conn.write(`${JSON.stringify({ ok: true, ...info })}\n`)
  await writeBackup(opts.db, conn, { database: info.database, secrets: currentSecrets(opts.dataDir, opts.env), now: new Date() })
  opts.log.info('backup served on the control socket')
}

/** The first line a socket sends; whatever came after it is put back for the next reader. */
function readLine(socket: Socket, maxBytes = 65_536): Promise<{ line: string }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0)
    const done = (err?: Error) => {
      socket.off('data', onData).off('end', onEnd).off('error', done)
      if (err) reject(err)
    }
    const onEnd = () => done(new Error('the control socket closed before answering'))
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      const at = buffered.indexOf(10)
      if (at < 0) return buffered.length > maxBytes ? done(new Error('the control socket sent an overlong line')) : undefined
      done()
      socket.pause()
      if (at + 1 < buffered.length) socket.unshift(buffered.subarray(at + 1))
      resolve({ line: buffered.subarray(0, at).toString('utf8') })
    }
    socket.on('data', onData).on('end', onEnd).on('error', done)
  })
}

/**
 * Sends one request to the Oriel running on `dataDir`: null when none answers (no socket, or one left
 * by a process that is gone), else its answer and the socket, positioned after the answer line.
 */
export async function requestControl(dataDir: string, op: 'ping' | 'backup'): Promise<{ info: ControlInfo; socket: Socket } | null> {
  const path = controlSocketPath(dataDir)
  if (!existsSync(path)) return null
  const socket = createConnection(path)
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  } catch (err) {
    socket.destroy()
    const code = (err as { code?: string }).code
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return null
    throw new BackupError(
      `cannot reach the running Oriel's control socket ${path}: ${code === 'EACCES' ? 'permission denied (run this as the user Oriel runs as)' : (err as Error).message}`,
    )
  }
  socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error('no answer within 10 s')))
  socket.write(`${JSON.stringify({ op })}\n`)
  try {
    const answer = JSON.parse((await readLine(socket)).line) as { ok: boolean; error?: string; database: ControlInfo['database'] }
    if (!answer.ok) throw new Error(answer.error)
    socket.setTimeout(0)
    return { info: { database: answer.database }, socket }
  } catch (err) {
    socket.destroy()
    throw new BackupError(`the running Oriel's control socket ${path} did not answer properly: ${(err as Error).message}`)
  }
}

/** The running Oriel's answer, or null when none runs on `dataDir`. */
export async function pingControl(dataDir: string): Promise<ControlInfo | null> {
  const answer = await requestControl(dataDir, 'ping')
  answer?.socket.destroy()
  return answer?.info ?? null
}
