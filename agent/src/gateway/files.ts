import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DockerPort } from '../docker/docker-port'
import type { StreamClaims } from '#schema'

/** Uploads and downloads are bounded so one request cannot exhaust the agent's memory. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024
/** A plain file name: no folders, no dot-files' parents, nothing a shell or tar would read as a path. */
const FILE_NAME = /^(?!\.{1,2}$)[^/\\\0]{1,255}$/

/**
 * `PUT /kasm/<id>/files/<name>` puts a file into the session's Uploads folder; `GET` takes one from
 * Downloads. Each checks the DLP flag carried by the edge-signed stream token, here where the bytes
 * flow (docs/security.md#dlp-in-the-relay), whatever the browser shows; a view-only viewer of a shared session never uploads.
 */
export async function handleFiles(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { docker: DockerPort; containerId: string; name: string; claims: StreamClaims },
): Promise<void> {
  if (!FILE_NAME.test(ctx.name)) return void res.writeHead(400).end('bad file name')
  if (req.method === 'PUT') {
    if (ctx.claims.view_only) return void res.writeHead(403).end('a view-only viewer cannot upload')
    if (!ctx.claims.dlp.uploads) return void res.writeHead(403).end('uploads are not allowed for this session')
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > MAX_FILE_BYTES) return void res.writeHead(413).end('file too large')
      chunks.push(chunk)
    }
    await ctx.docker.putFile(ctx.containerId, 'Uploads', ctx.name, Buffer.concat(chunks))
    return void res.writeHead(201).end()
  }
  if (req.method === 'GET') {
    if (!ctx.claims.dlp.downloads) return void res.writeHead(403).end('downloads are not allowed for this session')
    const data = await ctx.docker.getFile(ctx.containerId, 'Downloads', ctx.name, { maxBytes: MAX_FILE_BYTES }).catch(() => null)
    if (!data) return void res.writeHead(404).end('no such file')
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': data.length,
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(ctx.name)}`,
    })
    return void res.end(data)
  }
  res.writeHead(405).end()
}
