// The tar codec the file transfer uses, checked against GNU tar (the real reader and writer).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tarOneFile, untarFirstFile } from '../../../agent/src/docker/tar'

const dir = mkdtempSync(join(tmpdir(), 'oriel-tar-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const LONG_NAME = `Überweisung ${'x'.repeat(120)}.pdf`

describe('tarOneFile', () => {
  it('writes archives GNU tar reads, with owner, size and long non-ASCII names', () => {
    for (const name of ['notes.txt', LONG_NAME]) {
      const tar = tarOneFile(name, Buffer.from('hello'), { uid: 1000, gid: 1000 }, new Date('2026-01-02T03:04:05Z'))
      const listing = execFileSync('tar', ['-tv', '--numeric-owner', '--utc', '-f', '-'], { input: tar }).toString()
      expect(listing).toBe(`-rw-r--r-- 1000/1000         5 2026-01-02 03:04 ${name}\n`)
      expect(execFileSync('tar', ['-xO', '-f', '-'], { input: tar }).toString()).toBe('hello')
    }
  })

  it('refuses names that are not a single plain segment', () => {
    for (const name of ['', '.', '..', 'a/b', 'nul\0', 'x'.repeat(256)]) {
      expect(() => tarOneFile(name, Buffer.alloc(0), { uid: 0, gid: 0 })).toThrow(/plain file name/)
    }
  })
})

describe('untarFirstFile', () => {
  it('reads the file GNU tar wrote, pax long names included', () => {
    for (const format of ['pax', 'gnu', 'ustar']) {
      const name = format === 'ustar' ? 'short.txt' : LONG_NAME
      writeFileSync(join(dir, name), 'content of the file')
      const tar = execFileSync('tar', ['-c', `--format=${format}`, '-C', dir, '-f', '-', name])
      expect(untarFirstFile(tar)).toEqual({ name, data: Buffer.from('content of the file') })
    }
  })

  it('refuses a symlink, a directory and an empty archive', () => {
    symlinkSync('/etc/passwd', join(dir, 'link'))
    expect(() => untarFirstFile(execFileSync('tar', ['-c', '-C', dir, '-f', '-', 'link']))).toThrow(/not a regular file/)
    expect(() => untarFirstFile(execFileSync('tar', ['-c', '-C', '/', '-f', '-', '--no-recursion', 'tmp']))).toThrow(/not a regular file/)
    expect(() => untarFirstFile(Buffer.alloc(1024))).toThrow(/holds no file/)
  })
})
