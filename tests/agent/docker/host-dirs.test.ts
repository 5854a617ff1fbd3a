// Host folders a session binds, on the real filesystem (the tests run as root, like the agent).
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareProfileDir, prepareVolumeMappings } from '../../../agent/src/docker/host-dirs'
import { aSessionSpec } from './docker-env'

const root = mkdtempSync(join(tmpdir(), 'oriel-host-dirs-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('prepareProfileDir', () => {
  it('creates the profile folder for kasm-user, and takes back one Docker created as root', async () => {
    const path = await prepareProfileDir(aSessionSpec({ username: 'carol', persistentProfilePath: join(root, 'p', '{username}') }))
    expect(path).toBe(join(root, 'p', 'carol'))
    expect(statSync(path!)).toMatchObject({ uid: 1000, gid: 1000 })
    expect(statSync(path!).mode & 0o777).toBe(0o700)

    const rootOwned = join(root, 'p', 'dave')
    mkdirSync(rootOwned)
    await prepareProfileDir(aSessionSpec({ username: 'dave', persistentProfilePath: join(root, 'p', '{username}') }))
    expect(statSync(rootOwned).uid).toBe(1000)
    expect(await prepareProfileDir(aSessionSpec({ persistentProfilePath: null }))).toBeNull()
  })

  it('refuses a profile folder that is a symlink (chown would follow it)', async () => {
    mkdirSync(join(root, 'target'))
    symlinkSync(join(root, 'target'), join(root, 'p', 'eve'))
    await expect(prepareProfileDir(aSessionSpec({ username: 'eve', persistentProfilePath: join(root, 'p', '{username}') })))
      .rejects.toThrow(/symlink/)
    expect(statSync(join(root, 'target')).uid).toBe(0)
  })
})

describe('prepareVolumeMappings', () => {
  it('follows Kasm’s rules for missing, unchecked, required and impossible folders', async () => {
    writeFileSync(join(root, 'a-file'), '')
    const impossible = join(root, 'a-file', 'sub') // under a regular file: mkdir fails with ENOTDIR
    const warnings: string[] = []
    const usable = await prepareVolumeMappings(
      {
        [join(root, 'shared')]: { bind: '/shared', uid: 1234, gid: 5678 },
        [join(root, 'unchecked')]: { bind: '/u', skip_check: true },
        [impossible]: { bind: '/x' },
      },
      (path) => warnings.push(path),
    )
    expect(Object.keys(usable)).toEqual([join(root, 'shared'), join(root, 'unchecked')])
    expect(statSync(join(root, 'shared'))).toMatchObject({ uid: 1234, gid: 5678 })
    expect(existsSync(join(root, 'unchecked'))).toBe(false)
    expect(warnings).toEqual([impossible])

    await expect(prepareVolumeMappings({ [impossible]: { bind: '/x', required: true } })).rejects.toThrow(/required volume mapping/)
  })
})
