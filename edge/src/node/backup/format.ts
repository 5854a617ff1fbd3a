// The backup file: gzip of JSON lines, one kind of line each, readable by any Oriel on any database kind.
//   {"format":"oriel-backup","version":1,...}       the header: when, from what, schema tags, key material
//   {"table":"users","columns":["id",...]}          a table, then its rows as arrays of each column's text (null = NULL)
//   ["4f…","admin@kasm.local",null,...]
//   {"sequence":"audit_log_id_seq","last_value":"12","is_called":true}
//   {"end":true,"rows":{"users":3,...}}             the trailer: a file without it was cut short
// Values are Postgres's own text forms (pg_dump's COPY format in JSON), so nothing is lost between kinds.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import * as v from 'valibot'
import { SECRET_NAMES } from './secrets'

export const BACKUP_FORMAT = 'oriel-backup'
export const BACKUP_VERSION = 1

/** A refusal or a failure the commands explain in a sentence; anything else is a fault. */
export class BackupError extends Error {
  override name = 'BackupError'
}

const MigrationSchema = v.strictObject({ tag: v.string(), hash: v.string() })
export const HeaderSchema = v.object({
  format: v.literal(BACKUP_FORMAT),
  version: v.number(),
  created_at: v.string(),
  database: v.picklist(['pglite', 'postgres']),
  migrations: v.array(MigrationSchema),
  secrets: v.record(v.picklist(SECRET_NAMES), v.string()),
})
export type BackupHeader = v.InferOutput<typeof HeaderSchema>
const TableSchema = v.strictObject({ table: v.string(), columns: v.array(v.string()) })
const SequenceSchema = v.strictObject({ sequence: v.string(), last_value: v.string(), is_called: v.boolean() })
const EndSchema = v.strictObject({ end: v.literal(true), rows: v.record(v.string(), v.number()) })
export type SequenceState = v.InferOutput<typeof SequenceSchema>

/** One line of the file, as the loader reads it; a row stays JSON text, sent to Postgres as it is. */
export type BackupLine =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; table: string; columns: string[] }
  | { kind: 'row'; json: string }
  | { kind: 'sequence'; sequence: SequenceState }
  | { kind: 'end'; rows: Record<string, number> }

/** What a whole, checked file holds. */
export type BackupScan = {
  header: BackupHeader
  tables: { table: string; columns: string[]; rows: number }[]
  sequences: SequenceState[]
  bytes: number
}

const damaged = (file: string, why: string) => new BackupError(`${file} is not a readable Oriel backup: ${why}`)

/** The file's lines in order; `checkRows` parses every row (the loader skips that on its second pass). */
export async function* readBackup(file: string, checkRows = true): AsyncGenerator<BackupLine> {
  let at = 0
  let width = -1
  try {
    for await (const text of gunzippedLines(file)) {
      at++
      if (at === 1) {
        const header = v.safeParse(HeaderSchema, parse(file, text, at))
        if (!header.success) throw damaged(file, 'its first line is not an Oriel backup header')
        if (header.output.version > BACKUP_VERSION)
          throw new BackupError(
            `${file} is in backup format ${header.output.version}; this Oriel reads format ${BACKUP_VERSION} and older: upgrade Oriel to restore it`,
          )
        yield { kind: 'header', header: header.output }
        continue
      }
      if (text.startsWith('[')) {
        if (width < 0) throw damaged(file, `line ${at} is a row outside any table`)
        if (checkRows) {
          const row = parse(file, text, at)
          if (!Array.isArray(row) || row.length !== width || !row.every((c) => c === null || typeof c === 'string'))
            throw damaged(file, `line ${at} is not a row of ${width} values`)
        }
        yield { kind: 'row', json: text }
        continue
      }
      const line = parse(file, text, at)
      const table = v.safeParse(TableSchema, line)
      if (table.success) {
        width = table.output.columns.length
        yield { kind: 'table', ...table.output }
        continue
      }
      width = -1
      const sequence = v.safeParse(SequenceSchema, line)
      if (sequence.success) {
        yield { kind: 'sequence', sequence: sequence.output }
        continue
      }
      const end = v.safeParse(EndSchema, line)
      if (end.success) {
        yield { kind: 'end', rows: end.output.rows }
        return
      }
      throw damaged(file, `line ${at} is not part of the format`)
    }
  } catch (err) {
    throw err instanceof BackupError ? err : damaged(file, describeIo(err as Error))
  }
  throw damaged(file, at === 0 ? 'it is empty' : 'it ends early (no trailer): the backup was cut short')
}

/** Lines of the gunzipped file; a read or gzip error surfaces from the iteration. */
async function* gunzippedLines(file: string): AsyncGenerator<string> {
  const gunzip = createGunzip()
  // Errors reach the loop below: the pipeline destroys `gunzip` with them.
  pipeline(createReadStream(file), gunzip).catch(() => {})
  const decoder = new StringDecoder('utf8')
  let rest = ''
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    const text = decoder.write(chunk)
    if (!text.includes('\n')) {
      rest += text
      continue
    }
    const parts = (rest + text).split('\n')
    rest = parts.pop()!
    yield* parts
  }
  rest += decoder.end()
  if (rest) yield rest
}

function parse(file: string, text: string, at: number): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw damaged(file, `line ${at} is not JSON`)
  }
}

function describeIo(err: Error): string {
  const code = (err as { code?: string }).code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EACCES') return 'permission denied'
  if (code === 'EISDIR') return 'it is a folder'
  if (code?.startsWith('Z_')) return `not gzip data or damaged (${err.message})`
  return err.message
}

/** Reads the whole file once and checks it: a header, whole rows, each table's count against the trailer. */
export async function scanBackup(file: string): Promise<BackupScan> {
  let header: BackupHeader | undefined
  const tables: BackupScan['tables'] = []
  const sequences: SequenceState[] = []
  for await (const line of readBackup(file)) {
    if (line.kind === 'header') header = line.header
    else if (line.kind === 'table') tables.push({ table: line.table, columns: line.columns, rows: 0 })
    else if (line.kind === 'row') tables.at(-1)!.rows++
    else if (line.kind === 'sequence') sequences.push(line.sequence)
    else {
      for (const t of tables)
        if (line.rows[t.table] !== t.rows)
          throw damaged(file, `table ${t.table} has ${t.rows} rows where the trailer says ${line.rows[t.table]}`)
      if (Object.keys(line.rows).length !== tables.length) throw damaged(file, 'the trailer names tables the file does not hold')
    }
  }
  return { header: header!, tables, sequences, bytes: (await stat(file)).size }
}
