// Host folders a session binds, on the real filesystem (the tests run as root, like the agent).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
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
    await expect(
      prepareProfileDir(aSessionSpec({ username: 'eve', persistentProfilePath: join(root, 'p', '{username}') })),
    ).rejects.toThrow(/symlink/)
    expect(statSync(join(root, 'target')).uid).toBe(0)
  })
})

describe('persistent profile modes', () => {
  const profiles = join(root, 'modes')
  const specFor = (username: string, profileMode: 'Enabled' | 'Disabled' | 'Reset') =>
    aSessionSpec({ username, profileMode, persistentProfilePath: join(profiles, '{username}') })
  /** A profile with a file, a hidden file, a nested folder and links out of it, beside a folder that must survive. */
  function seed(username: string) {
    const dir = join(profiles, username)
    mkdirSync(join(dir, 'Desktop', 'deep'), { recursive: true })
    writeFileSync(join(dir, 'Desktop', 'deep', 'note.txt'), 'kept?')
    writeFileSync(join(dir, '.bashrc'), 'alias x=y')
    const outside = join(root, `outside-${username}`)
    mkdirSync(outside, { recursive: true })
    writeFileSync(join(outside, 'precious.txt'), 'not yours')
    symlinkSync(outside, join(dir, 'link-to-folder'))
    symlinkSync(join(outside, 'precious.txt'), join(dir, 'Desktop', 'link-to-file'))
    return { dir, outside }
  }

  it('Reset empties the profile folder, removing links as links, and touches nothing outside it', async () => {
    const { dir, outside } = seed('reset-me')
    mkdirSync(join(profiles, 'neighbour'))
    writeFileSync(join(profiles, 'neighbour', 'theirs.txt'), 'x')
    expect(await prepareProfileDir(specFor('reset-me', 'Reset'))).toBe(dir)
    expect(readdirSync(dir)).toEqual([])
    expect(statSync(dir)).toMatchObject({ uid: 1000, gid: 1000 })
    expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('not yours')
    expect(readdirSync(join(profiles, 'neighbour'))).toEqual(['theirs.txt'])
  })

  it('Enabled keeps the profile; Disabled binds none and leaves it as it was', async () => {
    const { dir } = seed('keep-me')
    expect(await prepareProfileDir(specFor('keep-me', 'Enabled'))).toBe(dir)
    expect(readdirSync(dir).sort()).toEqual(['.bashrc', 'Desktop', 'link-to-folder'])
    expect(await prepareProfileDir(specFor('keep-me', 'Disabled'))).toBeNull()
    expect(readFileSync(join(dir, 'Desktop', 'deep', 'note.txt'), 'utf8')).toBe('kept?')
    expect(await prepareProfileDir(specFor('never-made', 'Disabled'))).toBeNull()
    expect(existsSync(join(profiles, 'never-made'))).toBe(false)
  })

  it('Reset refuses a profile folder that is a symlink, and empties nothing', async () => {
    const target = join(root, 'reset-target')
    mkdirSync(target)
    writeFileSync(join(target, 'keep.txt'), 'x')
    symlinkSync(target, join(profiles, 'mallory'))
    await expect(prepareProfileDir(specFor('mallory', 'Reset'))).rejects.toThrow(/symlink/)
    expect(readdirSync(target)).toEqual(['keep.txt'])
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
